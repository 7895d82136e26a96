/** The page `npm start` shows until the web application lands. */
import { html, raw } from 'hono/html';
import type { LogHead } from '../store/event-store.ts';

/** The page's style sheet; the Content-Security-Policy allows exactly this text by its hash. */
export const PLACEHOLDER_STYLE = `
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
      code { background: #f1f3f5; padding: 0.1rem 0.3rem; border-radius: 4px; }
      dt { font-weight: 600; }
`;

export function placeholderPage(version: string, head: LogHead) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>OpenBES</title>
    <style>${raw(PLACEHOLDER_STYLE)}</style>
  </head>
  <body>
    <h1>OpenBES ${version}</h1>
    <p>The server and its tamper-evident event ledger are running. The operator, QA, engineer and leader views arrive with the web application.</p>
    <dl>
      <dt>Events in the ledger</dt><dd>${head.size}</dd>
      <dt>Merkle root</dt><dd><code>${head.rootHash}</code></dd>
    </dl>
    <p>Health: <a href="/api/health"><code>GET /api/health</code></a>. The API: <a href="/api/docs">reference</a> and <a href="/api/openapi.json">OpenAPI document</a>. Verify the ledger: <code>npx bes verify</code>.</p>
  </body>
</html>`;
}
