import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ ok: true }))
  .get('/readyz', async (c) => {
    try {
      await c.get('deps').database.ping();
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: { code: 'database_unavailable', message: 'データベースに接続できません。' } }, 503);
    }
  });
