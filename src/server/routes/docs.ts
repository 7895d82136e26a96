/**
 * The OpenAPI 3.1 document and a browsable reference. Swagger UI is served by this server from the
 * installed swagger-ui-dist package: plants are often offline, so nothing comes from a CDN.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../principal.ts';
import { problemError } from '../problem.ts';
import type { Api } from './deps.ts';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The files the reference page loads, and their media types; nothing else is served from the package. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// An inline script would need the CSP loosened; this one is a file of its own.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

const INDEX = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>OpenBES API reference</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
    <link rel="stylesheet" href="/api/docs/index.css" />
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
    <script src="/api/docs/openbes-init.js"></script>
  </body>
</html>
`;

export interface DocumentInfo {
  readonly version: string;
}

export function docsRoutes(app: Api, info: DocumentInfo): void {
  const cache = new Map<string, Uint8Array>();

  app.get('/api/openapi.json', (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'OpenBES API',
          version: info.version,
          description:
            'Every command of the OpenBES engine over HTTP. Errors are RFC 9457 problem details. Commands take Idempotency-Key and If-Match; records carry their version as ETag. See docs/api.md.',
        },
        servers: [{ url: '/' }],
        security: [{ session: [] }, { token: [] }],
      }),
    ),
  );

  const plain = app as unknown as Hono<AppEnv>;
  plain.get('/api/docs', (c) => c.html(INDEX));
  plain.get('/api/docs/:file', async (c) => {
    const file = c.req.param('file');
    if (file === 'openbes-init.js') return c.body(INIT_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' });
    const type = ASSETS[file];
    if (type === undefined) throw problemError(404, 'not_found', `The API reference has no file ${file}.`);
    let bytes = cache.get(file);
    if (bytes === undefined) {
      bytes = new Uint8Array(await readFile(join(SWAGGER_DIR, file)));
      cache.set(file, bytes);
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': type, 'cache-control': 'public, max-age=3600' });
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'session',
    description: 'The session cookie set by POST /api/session (see docs/identity.md); commands also need the X-CSRF-Token header',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer', description: 'An API token scoped to one site and one role' });
}
