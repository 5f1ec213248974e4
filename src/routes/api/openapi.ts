import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../../context.ts';
import { buildOpenApiDocument } from './openapi-document.ts';
import { apiOperations, tags } from './operations.ts';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** Built once, at start: a schema the generator cannot describe fails the start, not a request. */
export const openApiDocument = buildOpenApiDocument(
  {
    title: '共同調達 選定ワークベンチ API',
    version,
    description: [
      '自治体の共同調達（意向調査、案件、RFI、提案・評価、入札、決定、文書、公開情報）の HTTP API です。',
      'JSON で送受信し、項目名は camelCase、ID は文字列、金額は税抜の整数（円）、時刻は ISO 8601（オフセット付き）です。',
      'エラーは `{error: {code, message, details?}}`（message は日本語、code は変わらない英字の識別子）で返します。',
      'ログインは POST /api/auth/login。以後 `Authorization: Bearer <token>` かセッション Cookie で呼び出します。',
    ].join('\n\n'),
    tags,
  },
  apiOperations,
);
const documentJson = JSON.stringify(openApiDocument);

/**
 * Swagger UI's files, served by the app itself: the service runs on closed networks (no CDN), and the
 * page runs under the app's own Content-Security-Policy (scripts and styles from 'self' only; the
 * browser test checks that it renders and calls nothing else).
 */
const swaggerFile = (name: string) => readFileSync(createRequire(import.meta.url).resolve(`swagger-ui-dist/${name}`), 'utf8');
export const apiDocsAssets: [string, { body: string; type: string }][] = [
  ['swagger-ui-bundle.js', { body: swaggerFile('swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' }],
  ['swagger-ui.css', { body: swaggerFile('swagger-ui.css'), type: 'text/css; charset=utf-8' }],
  ['api-docs.js', { body: readFileSync(new URL('../../assets/api-docs.js', import.meta.url), 'utf8'), type: 'text/javascript; charset=utf-8' }],
];

const docsPage = html`<!doctype html>
<html lang="ja">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API リファレンス | 共同調達 選定ワークベンチ</title>
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/assets/swagger-ui.css" />
  </head>
  <body>
    <main>
      <div id="swagger-ui" data-url="/api/openapi.json"></div>
      <noscript><p>API リファレンスの表示には JavaScript が必要です。API の説明（OpenAPI 3.1）は <a href="/api/openapi.json">/api/openapi.json</a> にあります。</p></noscript>
    </main>
    <script src="/assets/swagger-ui-bundle.js"></script>
    <script src="/assets/api-docs.js"></script>
  </body>
</html>`;

/** The API description (OpenAPI 3.1) and its reference page: public, like the API's own contract. */
export const openApiRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.body(documentJson, 200, { 'content-type': 'application/json; charset=utf-8' }))
  .get('/docs', (c) => c.html(docsPage));
