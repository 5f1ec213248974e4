import { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf } from '../../context.ts';
import { PLATFORM_CHAIN, listAudit, sealAll, verifyAudit } from '../../db/audit.ts';
import { parseWith } from '../../http/json.ts';

export const auditQuery = z.object({
  caseId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  before: z.coerce.number().int().min(1).optional(),
});

/** The secretariat reads its consortium's chain; the operator reads the platform's own. */
function chainOf(c: Ctx): string {
  const me = requireRole(c, 'secretariat', 'operator');
  return me.role === 'operator' ? PLATFORM_CHAIN : me.consortiumId!;
}

export const auditRoutes = new Hono<AppEnv>()
  .get('/audit', async (c) => {
    const chainKey = chainOf(c);
    const query = parseWith(auditQuery, c.req.query());
    // what was just written is sealed before it is shown, so every entry shows its place in the chain
    await sealAll(dbOf(c), c.get('deps').keys.audit);
    const entries = await listAudit(dbOf(c), chainKey, { caseId: query.caseId, limit: query.limit, beforeSeq: query.before });
    return c.json({ entries });
  })
  .get('/audit/verify', async (c) => {
    const verdict = await verifyAudit(dbOf(c), c.get('deps').keys.audit, chainOf(c));
    return c.json(verdict);
  });
