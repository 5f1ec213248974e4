import { Hono } from 'hono';
import { type AppEnv, dbOf } from '../../context.ts';
import { loadCase } from '../../services/case-access.ts';
import { isFollowing, setFollowing } from '../../services/follows.ts';

/** A vendor's following of a case: `{following}`. */
export const followRoutes = new Hono<AppEnv>()
  .get('/cases/:id/follow', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return c.json({ following: await isFollowing(dbOf(c), row.id, user.vendorId!) });
  })
  .put('/cases/:id/follow', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return c.json({ following: await setFollowing(c, row, user.vendorId!, true) });
  })
  .delete('/cases/:id/follow', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return c.json({ following: await setFollowing(c, row, user.vendorId!, false) });
  });
