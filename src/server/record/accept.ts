/** Content negotiation between JSON and HTML by the Accept header (RFC 9110 §12.5.1, the parts that matter here). */

function quality(accept: string, type: string): { q: number; order: number } {
  const ranges = accept.split(',').map((part) => part.trim().toLowerCase());
  let best = { q: 0, order: Infinity };
  ranges.forEach((range, order) => {
    const [media = '', ...params] = range.split(';').map((s) => s.trim());
    const [main, sub] = type.split('/');
    if (media !== type && media !== `${main}/*`) return;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    // An exact type outranks a wildcard of the same quality.
    if (Number.isFinite(q) && (q > best.q || (q === best.q && media === `${main}/${sub}`))) best = { q, order };
  });
  return best;
}

/** True when the client asks for text/html more than for application/json (a browser, not an API client). */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false;
  const htmlQ = quality(accept, 'text/html');
  const jsonQ = quality(accept, 'application/json');
  if (htmlQ.q === 0) return false;
  return htmlQ.q > jsonQ.q || (htmlQ.q === jsonQ.q && htmlQ.order < jsonQ.order);
}
