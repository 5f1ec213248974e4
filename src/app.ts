import { readFileSync } from 'node:fs';
import { followRoutes } from './routes/api/follows.ts';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { SESSION_COOKIE, sessionLoader } from './auth/session.ts';
import type { AppEnv, Ctx, Deps } from './context.ts';
import { isDatabaseUnavailable, isUniqueViolation } from './db/errors.ts';
import { AppError } from './errors.ts';
import { isJsonContentType } from './http/json.ts';
import { closeAfterUnreadBody, noStore } from './http/hygiene.ts';
import { declaresBody } from './http/raw-body.ts';
import { refuseNulInUrl } from './http/text.ts';
import { useJapaneseMessages } from './http/validation-messages.ts';
import { auditRoutes } from './routes/api/audit.ts';
import { notificationRoutes } from './routes/api/notifications.ts';
import { apiDocsAssets, openApiRoutes } from './routes/api/openapi.ts';
import { authRoutes } from './routes/api/auth.ts';
import { biddingRoutes } from './routes/api/bidding.ts';
import { caseRoutes } from './routes/api/cases.ts';
import { settingsPages } from './routes/pages/settings.tsx';
import { userPages } from './routes/pages/users.tsx';
import { consortiumPages } from './routes/pages/consortia.tsx';
import { auditPages } from './routes/pages/audit.tsx';
import { notificationPages, unreadNotificationCount } from './routes/pages/notifications.tsx';
import { contractPages } from './routes/pages/contracts.tsx';
import { consortiumRoutes } from './routes/api/consortia.ts';
import { documentRoutes } from './routes/api/documents.ts';
import { evaluationRoutes } from './routes/api/evaluation.ts';
import { fileRoutes } from './routes/api/files.ts';
import { memberRoutes } from './routes/api/members.ts';
import { proposalRoutes } from './routes/api/proposals.ts';
import { publicRoutes } from './routes/api/public.ts';
import { rfiRoutes } from './routes/api/rfi.ts';
import { questionRoutes } from './routes/api/questions.ts';
import { surveyRoutes } from './routes/api/surveys.ts';
import { userRoutes } from './routes/api/users.ts';
import { vendorRoutes } from './routes/api/vendors.ts';
import { healthRoutes } from './routes/health.ts';
import { authPages } from './routes/pages/auth.tsx';
import { casePages } from './routes/pages/cases.tsx';
import { memberPages } from './routes/pages/members.tsx';
import { participationPages } from './routes/pages/participation.tsx';
import { surveyPages } from './routes/pages/surveys.tsx';
import { registerPages } from './routes/pages/register.tsx';
import { receiptPages } from './routes/pages/receipts.tsx';
import { vendorWorkPages } from './routes/pages/vendor-work.tsx';
import { evaluationPages } from './routes/pages/evaluation.tsx';
import { biddingPages } from './routes/pages/bidding.tsx';
import { specPages } from './routes/pages/spec.tsx';
import { questionPages } from './routes/pages/questions.tsx';
import { publicPages } from './routes/pages/public.tsx';
import { vendorPages } from './routes/pages/vendors.tsx';
import { ErrorPage } from './views/error-page.tsx';
import { renderPage } from './views/render.ts';
import { requestId } from 'hono/request-id';
import { observe, routeOf } from './http/observe.ts';
import { takeTurns } from './http/turns.ts';
import { silentLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { metricsRoutes } from './routes/metrics.ts';

useJapaneseMessages();

/** JSON bodies on /api are capped here; uploads and imports stream with limits of their own. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/** Routes that take a body other than JSON (multipart uploads, CSV); each checks its own type. */
const rawBodyRoutes: RegExp[] = [
  /^\/api\/members\/import$/,
  /^\/api\/vendors\/import$/,
  /^\/api\/cases\/[^/]+\/proposal\/files$/,
  /^\/api\/cases\/[^/]+\/rfi\/response\/files$/,
];

const isRawBodyRoute = (path: string) => rawBodyRoutes.some((re) => re.test(path));

const asset = (name: string, type: string) => [name, { body: readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8'), type }] as const;
const assets = new Map<string, { body: string; type: string }>([
  asset('app.css', 'text/css; charset=utf-8'),
  asset('upload.js', 'text/javascript; charset=utf-8'),
  asset('sheet.js', 'text/javascript; charset=utf-8'),
  asset('bids-count.js', 'text/javascript; charset=utf-8'),
  asset('favicon.svg', 'image/svg+xml'),
  asset('rows.js', 'text/javascript; charset=utf-8'),
  ...apiDocsAssets,
]);

/** Page routes that take a file upload; they stream it like the API does and skip the small form limit. */
const pageUploadRoutes = /^\/cases\/[^/]+\/(submit|rfi)\/upload$/;

/** A JSON API: any body must be declared JSON (a form post cannot reach it). */
function jsonOnly(): MiddlewareHandler<AppEnv> {
  return async function requireJsonBody(c, next) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && declaresBody(c.req.raw) && !isRawBodyRoute(c.req.path)) {
      if (!isJsonContentType(c.req.header('content-type'))) {
        throw new AppError('unsupported_type', 'Content-Type は application/json を指定してください。');
      }
    }
    await next();
  };
}

/**
 * hono's bodyLimit, with a declared Content-Length settled from the header alone: hono's own middleware
 * first asks for the body as a stream, which makes a full web Request of every request that has one.
 * Node's parser never lets a body run past its Content-Length, so the header is the size; a chunked body
 * is counted by hono's middleware as it is read.
 */
function limitBody(maxSize: number, onError: (c: Ctx) => never): MiddlewareHandler<AppEnv> {
  const counted = bodyLimit({ maxSize, onError });
  return async function limitByLength(c, next) {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length)) {
      return Number(length) > maxSize ? onError(c) : next();
    }
    return counted(c, next);
  };
}

function jsonBodyLimit(): MiddlewareHandler<AppEnv> {
  const limit = limitBody(JSON_BODY_LIMIT, () => {
    throw new AppError('too_large', `リクエストが大きすぎます（上限 ${JSON_BODY_LIMIT / 1024} KB）。`);
  });
  return async function limitJsonBody(c, next) {
    if (isRawBodyRoute(c.req.path)) return next();
    return limit(c, next);
  };
}

/** Page forms (including a member CSV) are small; uploads go through the API. */
function pageFormLimit(): MiddlewareHandler<AppEnv> {
  const limit = limitBody(6 * 1024 * 1024, () => {
    throw new AppError('too_large', '送信内容が大きすぎます（上限 6 MB）。');
  });
  return async function limitPageForm(c, next) {
    if (c.req.path.startsWith('/api/') || pageUploadRoutes.test(c.req.path)) return next();
    return limit(c, next);
  };
}

/**
 * A Bearer-token call cannot be forged by another site, so only cookie callers need the origin check;
 * an API call without the session cookie carries no credentials to abuse (and is answered 401).
 */
function csrfForCookies(): MiddlewareHandler<AppEnv> {
  const check = csrf();
  return async function csrfUnlessBearer(c, next) {
    if (c.req.header('authorization')) return next();
    if (c.req.path.startsWith('/api/') && getCookie(c, SESSION_COOKIE) === undefined) return next();
    return check(c, next);
  };
}

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  // the same deps object every request sees (a test may swap its database or storage in place)
  deps.logger ??= silentLogger;
  deps.metrics ??= createMetrics(deps.database);
  const logger = deps.logger;

  // the id first, so that every answer and log line carries it, refusals included
  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', observe(logger, deps.metrics!));
  // one request starts per turn of the event loop, in arrival order (the wait is in the logged time)
  app.use('*', takeTurns());
  app.use('*', async function provideDeps(c, next) {
    c.set('deps', deps);
    c.set('user', null);
    c.set('tokenHash', null);
    await next();
  });
  app.use('*', closeAfterUnreadBody());
  app.use('*', noStore());
  app.use(
    '*',
    secureHeaders({
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  app.use('*', refuseNulInUrl());
  app.use('*', csrfForCookies());
  app.use('/api/*', jsonOnly());
  app.use('/api/*', jsonBodyLimit());
  app.use('/login', limitBody(16 * 1024, () => { throw new AppError('too_large'); }));
  app.use('*', pageFormLimit());
  app.use('*', sessionLoader());
  app.use('*', unreadNotificationCount());

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) throw new AppError('not_found');
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });
  // browsers and feed readers ask for /favicon.ico whatever the page links: the same icon, as SVG
  app.get('/favicon.ico', (c) => c.body(assets.get('favicon.svg')!.body, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));

  app.route('/', healthRoutes);
  app.route('/', metricsRoutes);
  app.route('/api', authRoutes);
  app.route('/api', consortiumRoutes);
  app.route('/api', userRoutes);
  app.route('/api', memberRoutes);
  app.route('/api', vendorRoutes);
  app.route('/api', caseRoutes);
  app.route('/api', followRoutes);
  app.route('/api', surveyRoutes);
  app.route('/api', rfiRoutes);
  app.route('/api', questionRoutes);
  app.route('/api', evaluationRoutes);
  app.route('/api', biddingRoutes);
  app.route('/api', documentRoutes);
  app.route('/api', publicRoutes);
  app.route('/api', proposalRoutes);
  app.route('/api', fileRoutes);
  app.route('/api', auditRoutes);
  app.route('/api', notificationRoutes);
  app.route('/api', openApiRoutes);
  app.route('/', authPages);
  app.route('/', casePages);
  app.route('/', participationPages);
  app.route('/', memberPages);
  app.route('/', surveyPages);
  app.route('/', registerPages);
  app.route('/', vendorWorkPages);
  app.route('/', receiptPages);
  app.route('/', evaluationPages);
  app.route('/', biddingPages);
  app.route('/', specPages);
  app.route('/', questionPages);
  app.route('/', publicPages);
  app.route('/', vendorPages);
  app.route('/', contractPages);
  app.route('/', settingsPages);
  app.route('/', userPages);
  app.route('/', consortiumPages);
  app.route('/', auditPages);
  app.route('/', notificationPages);

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') {
      return c.json(new AppError('not_found', 'そのURLは存在しません。').toBody(c.get('requestId')), 404);
    }
    return renderPage(
      c,
      ErrorPage({ title: 'ページが見つかりません', message: 'お探しのページは見つかりませんでした。URLをご確認ください。', user: c.get('user') }),
      404,
    );
  });

  app.onError((err, c) => {
    const error = toAppError(err);
    if (error.status >= 500) logger.error({ reqId: c.get('requestId'), method: c.req.method, route: routeOf(c), err, cause: (err as Error).cause }, 'request failed');
    // /metrics is read by a scraper, not a person: a refusal is JSON, never the sign-in page
    const isApi = c.req.path.startsWith('/api/') || c.req.path === '/metrics';
    if (!isApi && error.code === 'unauthenticated') {
      const next = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path)}` : '';
      return c.redirect(`/login${next}`, 303);
    }
    for (const [k, v] of Object.entries(error.headers)) c.header(k, v);
    if (isApi || c.req.path === '/healthz' || c.req.path === '/readyz') return c.json(error.toBody(c.get('requestId')), error.status);
    const requestIdShown = error.status >= 500 ? c.get('requestId') : undefined;
    return renderPage(c, ErrorPage({ title: pageTitle(error), message: error.message, user: c.get('user'), requestId: requestIdShown }), error.status);
  });

  return app;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 403) return new AppError('forbidden', '許可されていない送信元からのリクエストです。');
    if (err.status === 413) return new AppError('too_large');
    if (err.status === 400) return new AppError('validation_error', 'リクエストの形式が正しくありません。');
    if (err.status === 401) return new AppError('unauthenticated');
    if (err.status === 404) return new AppError('not_found');
    return new AppError('internal');
  }
  if (isDatabaseUnavailable(err)) return new AppError('database_unavailable', undefined, undefined, { 'retry-after': '5' });
  // two requests creating the same thing at once: the loser is told, nothing half-written remains
  if (isUniqueViolation(err)) return new AppError('conflict', '同じ内容が同時に登録されました。画面を再読み込みして確認してください。');
  return new AppError('internal');
}

function pageTitle(error: AppError): string {
  switch (error.code) {
    case 'not_found':
      return 'ページが見つかりません';
    case 'forbidden':
      return '権限がありません';
    case 'database_unavailable':
      return '一時的に利用できません';
    default:
      return error.status >= 500 ? 'エラーが発生しました' : '操作を完了できませんでした';
  }
}

export type App = ReturnType<typeof createApp>;
