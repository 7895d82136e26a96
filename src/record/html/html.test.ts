import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from './html.ts';

describe('html', () => {
  it('escapes every interpolated value, in content and in attributes', () => {
    const hostile = `<script>alert("x")</script>' onload='x`;
    const out = html`<p title="${hostile}">${hostile}</p>`.text;
    expect(out).not.toContain('<script>');
    expect(out).toBe(`<p title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</p>`);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x');
  });

  it('keeps nested markup, joins arrays and drops null, undefined and false', () => {
    const items = ['a<b', 'c'].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${raw('<hr>')}${0}</ul>`.text).toBe('<ul><li>a&lt;b</li><li>c</li><hr>0</ul>');
  });
});
