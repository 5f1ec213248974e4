import { Hono } from 'hono';
import { z } from 'zod';
import { requireUser } from '../../auth/session.ts';
import type { AppEnv } from '../../context.ts';
import { userView } from '../../db/tenancy.ts';
import { readJson } from '../../http/json.ts';
import { authenticate, finishSession, startSession } from '../../services/auth.ts';

export const loginInput = z.strictObject({ email: z.string().max(254), password: z.string().max(200) });

export const authRoutes = new Hono<AppEnv>()
  .post('/auth/login', async (c) => {
    const input = await readJson(c, loginInput);
    const user = await authenticate(c, input.email, input.password);
    const token = await startSession(c, user);
    return c.json({ token, user: userView(user) });
  })
  .post('/auth/logout', async (c) => {
    await finishSession(c);
    return c.json({ ok: true });
  })
  .get('/me', (c) => {
    const user = requireUser(c);
    return c.json({ user: userView(user) });
  });
