import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../context.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

/** Routes whose answers are logged at debug level only: probes and scrapes, many a minute. */
const quiet = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The route a request is counted under: the pattern it matched ('/api/cases/:id'), never the address
 * itself (ids would make a series per case, and some addresses carry a secret token); a request that
 * matched no route is 'unmatched'.
 */
export function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const path = routePath(c, -1);
  return path === '' || path.endsWith('*') ? 'unmatched' : path;
}

/**
 * One log line and the metrics of each answered request: its id, method, route, status, time taken and
 * the signed-in account. Runs after requestId(), so the id is there; the answer's status is read after
 * the error handler has made it.
 */
export function observe(logger: Logger, metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async function observeRequest(c, next) {
    const route = routeOf(c);
    const done = metrics.begin(c.req.method, route);
    const started = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      done(status);
      const line = { reqId: c.get('requestId'), method: c.req.method, route, status, ms: Math.round((performance.now() - started) * 10) / 10, user: c.get('user')?.id };
      if (quiet.has(route)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    }
  };
}
