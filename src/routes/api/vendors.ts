import { Hono } from 'hono';
import { z } from 'zod';
import { vendors } from '../../../schema/index.ts';
import { hashPassword } from '../../auth/password.ts';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import type { Db } from '../../db/client.ts';
import { findConsortium, findVendor, listVendors, userView, vendorView } from '../../db/tenancy.ts';
import { insertUser } from '../../db/users.ts';
import { notFound } from '../../errors.ts';
import { parseWith, readJson } from '../../http/json.ts';
import { emailInput, idParam, nameInput, passwordInput } from '../../http/inputs.ts';
import { corporateNumberInput } from '../../http/member-input.ts';
import { mutate } from '../../http/mutate.ts';
import { newId } from '../../ids.ts';

const vendorInput = z.object({ name: nameInput, corporateNumber: corporateNumberInput.optional() });

const registrationInput = z.object({
  consortiumId: idParam,
  companyName: nameInput,
  corporateNumber: corporateNumberInput.optional(),
  email: emailInput,
  name: nameInput,
  password: passwordInput,
});

async function insertVendor(tx: Db, consortiumId: string, name: string, corporateNumber: string | undefined, now: Date) {
  const [row] = await tx
    .insert(vendors)
    .values({ id: newId(), consortiumId, name, corporateNumber: corporateNumber ?? null, createdAt: now })
    .returning();
  return row!;
}


/** A vendor registers itself with its first login; anyone may call it (the consortium must exist). */
export async function registerVendor(c: Ctx, raw: unknown) {
  const input = parseWith(registrationInput, raw);
  if (!(await findConsortium(dbOf(c), input.consortiumId))) throw notFound('指定された協議会が見つかりません。');
  const passwordHash = await hashPassword(input.password);
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    const vendor = await insertVendor(tx, input.consortiumId, input.companyName, input.corporateNumber, now);
    const user = await insertUser(
      tx,
      { consortiumId: input.consortiumId, role: 'vendor', vendorId: vendor.id, email: input.email, name: input.name, passwordHash },
      now,
    );
    await audit({
      consortiumId: input.consortiumId,
      actorUserId: user.id,
      actorRole: 'vendor',
      action: 'vendor.register',
      objectType: 'vendor',
      objectId: vendor.id,
      details: { name: vendor.name, email: user.email },
    });
    return { vendor: vendorView(vendor), user: userView(user) };
  });
}

export const vendorRoutes = new Hono<AppEnv>()
  .post('/vendors', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, vendorInput);
    const vendor = await mutate(c, async (tx, audit) => {
      const row = await insertVendor(tx, me.consortiumId, input.name, input.corporateNumber, nowOf(c));
      await audit({ action: 'vendor.create', objectType: 'vendor', objectId: row.id, details: { name: row.name } });
      return row;
    });
    return c.json({ vendor: vendorView(vendor) }, 201);
  })
  .post('/vendors/register', async (c) => {
    const input = await readJson(c, registrationInput);
    return c.json(await registerVendor(c, input), 201);
  })

  .get('/vendors', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const rows = await listVendors(dbOf(c), me.consortiumId);
    return c.json({ vendors: rows.map(vendorView) });
  })
  .get('/vendors/:id', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat', 'vendor');
    const id = c.req.param('id');
    if (me.role === 'vendor' && me.vendorId !== id) throw notFound();
    const row = await findVendor(dbOf(c), me.consortiumId, id);
    if (!row) throw notFound();
    return c.json({ vendor: vendorView(row) });
  });
