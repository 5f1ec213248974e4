import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, dbOf } from '../../context.ts';
import { listUsers, userView } from '../../db/tenancy.ts';
import { readJson } from '../../http/json.ts';
import { createUser, updateUser, userInput, userPatch } from '../../services/users.ts';

export const userRoutes = new Hono<AppEnv>()
  .post('/users', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, userInput);
    const user = await createUser(c, me.consortiumId, input);
    return c.json({ user: userView(user) }, 201);
  })
  .get('/users', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const rows = await listUsers(dbOf(c), me.consortiumId);
    return c.json({ users: rows.map((r) => ({ ...userView(r), disabled: r.disabledAt !== null })) });
  })
  .patch('/users/:id', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, userPatch);
    const user = await updateUser(c, me, c.req.param('id'), input);
    return c.json({ user: { ...userView(user), disabled: user.disabledAt !== null } });
  });
