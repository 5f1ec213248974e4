import { Hono } from 'hono';
import { requireConsortiumRole, requireRole } from '../../auth/session.ts';
import { issuerInput, issuerSettings, saveIssuerSettings } from '../../services/issuer.ts';
import { consortiumInput, createConsortium, listConsortia } from '../../services/consortia.ts';
import { type AppEnv, dbOf } from '../../context.ts';
import { consortiumView, userView } from '../../db/tenancy.ts';
import { readJson } from '../../http/json.ts';

export const consortiumRoutes = new Hono<AppEnv>()
  .post('/consortia', async (c) => {
    requireRole(c, 'operator');
    const input = await readJson(c, consortiumInput);
    const { consortium, user } = await createConsortium(c, input);
    return c.json({ consortium: consortiumView(consortium), user: userView(user) }, 201);
  })
  // the issuer of the consortium's documents: 発注者, 文書番号, 公印, 和暦/西暦, 入札場所 and 執行者
  .get('/consortium/settings', async (c) => {
    const user = requireConsortiumRole(c, 'secretariat');
    return c.json({ settings: await issuerSettings(dbOf(c), user.consortiumId!) });
  })
  .put('/consortium/settings', async (c) => {
    const user = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, issuerInput);
    return c.json({ settings: await saveIssuerSettings(c, user.consortiumId!, input) });
  })
  .get('/consortia', async (c) => {
    requireRole(c, 'operator');
    return c.json({ consortia: (await listConsortia(dbOf(c))).map(consortiumView) });
  });
