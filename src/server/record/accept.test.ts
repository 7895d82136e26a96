import { describe, expect, it } from 'vitest';
import { prefersHtml } from './accept.ts';

describe('prefersHtml', () => {
  it('is true for a browser and false for API clients', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('')).toBe(false);
  });

  it('follows the quality values, and the order at equal quality', () => {
    expect(prefersHtml('application/json;q=0.5, text/html')).toBe(true);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml('text/html, application/json')).toBe(true);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });
});
