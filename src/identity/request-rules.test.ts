/** CSRF and origin rules for requests that carry the session cookie. */
import { describe, expect, it } from 'vitest';
import { csrfCheck, isSafeMethod, normaliseOrigin, originCheck } from './request-rules.ts';

const own = 'https://bes.plant.example';
const check = (origin: string | undefined, secFetchSite?: string, allowed: string[] = []) => originCheck({ origin, secFetchSite, ownOrigin: own, allowedOrigins: allowed })?.code;

describe('request rules', () => {
  it('only GET, HEAD and OPTIONS are safe', () => {
    expect(['GET', 'head', 'OPTIONS'].every(isSafeMethod)).toBe(true);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].some(isSafeMethod)).toBe(false);
  });

  it('accepts our own origin and allowed ones; same-origin or user-initiated fetches', () => {
    expect(check(own)).toBeUndefined();
    expect(check('HTTPS://BES.plant.example:443', 'same-origin')).toBeUndefined();
    expect(check(own, 'none')).toBeUndefined();
    expect(check('https://ui.plant.example', undefined, ['https://ui.plant.example'])).toBeUndefined();
  });

  it('refuses other origins, no origin, the opaque origin and cross-site fetches', () => {
    expect(check('https://evil.example')).toBe('origin_not_allowed');
    expect(check(undefined)).toBe('origin_not_allowed');
    expect(check('null')).toBe('origin_not_allowed');
    expect(check(own, 'cross-site')).toBe('origin_not_allowed');
    expect(check(own, 'same-site')).toBe('origin_not_allowed');
    expect(check('http://bes.plant.example')).toBe('origin_not_allowed');
  });

  it('needs the exact CSRF token', () => {
    expect(csrfCheck('abc123', 'abc123')).toBeUndefined();
    expect(csrfCheck('abc123', 'abc124')?.code).toBe('csrf_failed');
    expect(csrfCheck('abc123', 'abc1234')?.code).toBe('csrf_failed');
    expect(csrfCheck('abc123', undefined)).toMatchObject({ code: 'csrf_failed', details: { present: false } });
    expect(csrfCheck('abc123', 'ab\u00e9')?.code).toBe('csrf_failed');
  });

  it('normalises origins as browsers send them', () => {
    expect(normaliseOrigin('http://LOCALHOST:80')).toBe('http://localhost');
    expect(normaliseOrigin('ftp://x')).toBeUndefined();
    expect(normaliseOrigin('nonsense')).toBeUndefined();
  });
});
