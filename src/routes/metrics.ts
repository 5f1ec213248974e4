import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';

/** The bearer token of the request equals `token`, compared in constant time. */
function bears(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** GET /metrics: the Prometheus text; with METRICS_TOKEN set, only for a request bearing it. */
export const metricsRoutes = new Hono<AppEnv>().get('/metrics', async (c) => {
  const { config, metrics } = c.get('deps');
  if (config.metricsToken && !bears(c.req.header('authorization'), config.metricsToken)) throw new AppError('unauthenticated', 'メトリクスの取得にはトークンが必要です。');
  const registry = metrics!.registry;
  return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
});
