import { asc, count, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { consortia, users } from '../../schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type ConsortiumRow, type UserRow } from '../db/tenancy.ts';
import { insertUser } from '../db/users.ts';
import { emailInput, nameInput, passwordInput } from '../http/inputs.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';

/** POST /consortia: a consortium and its first 事務局 account. */
export const consortiumInput = z.strictObject({
  name: nameInput,
  secretariat: z.strictObject({ email: emailInput, name: nameInput, password: passwordInput }),
});

/** Creates a consortium with its first secretariat account (the operator's act, on the platform's chain). */
export async function createConsortium(c: Ctx, input: z.output<typeof consortiumInput>): Promise<{ consortium: ConsortiumRow; user: UserRow }> {
  const passwordHash = await hashPassword(input.secretariat.password);
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    const [consortium] = await tx.insert(consortia).values({ id: newId(), name: input.name, createdAt: now }).returning();
    const user = await insertUser(tx, { consortiumId: consortium!.id, role: 'secretariat', email: input.secretariat.email, name: input.secretariat.name, passwordHash }, now);
    await audit({ consortiumId: null, action: 'consortium.create', objectType: 'consortium', objectId: consortium!.id, details: { name: input.name } });
    await audit({ consortiumId: consortium!.id, action: 'user.create', objectType: 'user', objectId: user.id, details: { email: user.email, role: user.role } });
    return { consortium: consortium!, user };
  });
}

export async function listConsortia(db: Db): Promise<ConsortiumRow[]> {
  return db.select().from(consortia).orderBy(asc(consortia.createdAt));
}

/** The consortia with how many accounts each has and how many may still sign in, for the operator's list. */
export async function consortiaWithAccounts(db: Db): Promise<(ConsortiumRow & { accounts: number; active: number })[]> {
  const rows = await listConsortia(db);
  const totals = await db.select({ id: users.consortiumId, n: count() }).from(users).groupBy(users.consortiumId);
  const active = await db.select({ id: users.consortiumId, n: count() }).from(users).where(isNull(users.disabledAt)).groupBy(users.consortiumId);
  const totalOf = new Map(totals.map((t) => [t.id, Number(t.n)]));
  const activeOf = new Map(active.map((t) => [t.id, Number(t.n)]));
  return rows.map((r) => ({ ...r, accounts: totalOf.get(r.id) ?? 0, active: activeOf.get(r.id) ?? 0 }));
}
