import { asc } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { consortia } from '../../../schema/index.ts';
import { hashPassword } from '../../auth/password.ts';
import { requireConsortiumRole, requireRole } from '../../auth/session.ts';
import { issuerInput, issuerSettings, saveIssuerSettings } from '../../services/issuer.ts';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { consortiumView, userView } from '../../db/tenancy.ts';
import { insertUser } from '../../db/users.ts';
import { readJson } from '../../http/json.ts';
import { emailInput, nameInput, passwordInput } from '../../http/inputs.ts';
import { mutate } from '../../http/mutate.ts';
import { newId } from '../../ids.ts';

const consortiumInput = z.strictObject({
  name: nameInput,
  secretariat: z.strictObject({ email: emailInput, name: nameInput, password: passwordInput }),
});

export const consortiumRoutes = new Hono<AppEnv>()
  .post('/consortia', async (c) => {
    requireRole(c, 'operator');
    const input = await readJson(c, consortiumInput);
    const passwordHash = await hashPassword(input.secretariat.password);
    const now = nowOf(c);
    const result = await mutate(c, async (tx, audit) => {
      const [consortium] = await tx.insert(consortia).values({ id: newId(), name: input.name, createdAt: now }).returning();
      const user = await insertUser(
        tx,
        { consortiumId: consortium!.id, role: 'secretariat', email: input.secretariat.email, name: input.secretariat.name, passwordHash },
        now,
      );
      await audit({ consortiumId: null, action: 'consortium.create', objectType: 'consortium', objectId: consortium!.id, details: { name: input.name } });
      await audit({
        consortiumId: consortium!.id,
        action: 'user.create',
        objectType: 'user',
        objectId: user.id,
        details: { email: user.email, role: user.role },
      });
      return { consortium: consortiumView(consortium!), user: userView(user) };
    });
    return c.json(result, 201);
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
    const rows = await dbOf(c).select().from(consortia).orderBy(asc(consortia.createdAt));
    return c.json({ consortia: rows.map(consortiumView) });
  });
