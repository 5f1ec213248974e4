import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { users } from '../../../schema/index.ts';
import { hashPassword } from '../../auth/password.ts';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { endUserSessions } from '../../db/sessions.ts';
import { sessionCacheOf } from '../../auth/session-cache.ts';
import { findMember, findVendor, listUsers, userView } from '../../db/tenancy.ts';
import { insertUser } from '../../db/users.ts';
import { AppError, notFound } from '../../errors.ts';
import { readJson } from '../../http/json.ts';
import { emailInput, idParam, nameInput, passwordInput } from '../../http/inputs.ts';
import { mutate } from '../../http/mutate.ts';

const userInput = z
  .strictObject({
    email: emailInput,
    name: nameInput,
    role: z.enum(['secretariat', 'member', 'evaluator', 'vendor']),
    password: passwordInput,
    memberId: idParam.optional(),
    vendorId: idParam.optional(),
  })
  .superRefine((u, ctx) => {
    if (u.role === 'member' && !u.memberId) ctx.addIssue({ code: 'custom', path: ['memberId'], message: '参加団体の利用者には memberId が必要です' });
    if (u.role === 'vendor' && !u.vendorId) ctx.addIssue({ code: 'custom', path: ['vendorId'], message: '事業者の利用者には vendorId が必要です' });
    if (u.role !== 'member' && u.memberId) ctx.addIssue({ code: 'custom', path: ['memberId'], message: 'memberId は参加団体の利用者にのみ指定できます' });
    if (u.role !== 'vendor' && u.vendorId) ctx.addIssue({ code: 'custom', path: ['vendorId'], message: 'vendorId は事業者の利用者にのみ指定できます' });
  });

const userPatch = z
  .strictObject({ name: nameInput.optional(), disabled: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: '変更する項目を指定してください' });

export const userRoutes = new Hono<AppEnv>()
  .post('/users', async (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, userInput);
    const db = dbOf(c);
    if (input.memberId && !(await findMember(db, me.consortiumId, input.memberId))) {
      throw new AppError('validation_error', '指定された参加団体が見つかりません。', [{ path: 'memberId', message: '存在しない参加団体です' }]);
    }
    if (input.vendorId && !(await findVendor(db, me.consortiumId, input.vendorId))) {
      throw new AppError('validation_error', '指定された事業者が見つかりません。', [{ path: 'vendorId', message: '存在しない事業者です' }]);
    }
    const passwordHash = await hashPassword(input.password);
    const user = await mutate(c, async (tx, audit) => {
      const row = await insertUser(tx, { ...input, consortiumId: me.consortiumId, passwordHash }, nowOf(c));
      await audit({ action: 'user.create', objectType: 'user', objectId: row.id, details: { email: row.email, role: row.role } });
      return row;
    });
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
    const id = c.req.param('id');
    const user = await mutate(c, async (tx, audit) => {
      const [current] = await tx.select().from(users).where(and(eq(users.id, id), eq(users.consortiumId, me.consortiumId)));
      if (!current) throw notFound();
      if (input.disabled && current.id === me.id) throw new AppError('conflict', '自分自身を無効にすることはできません。');
      const disabledAt = input.disabled === undefined ? current.disabledAt : input.disabled ? (current.disabledAt ?? nowOf(c)) : null;
      const [row] = await tx
        .update(users)
        .set({ name: input.name ?? current.name, disabledAt })
        .where(eq(users.id, id))
        .returning();
      // a disabled account loses every session at once
      if (disabledAt) {
        await endUserSessions(tx, id);
        sessionCacheOf(c.get('deps').database).dropUser(id);
      }
      await audit({ action: 'user.update', objectType: 'user', objectId: id, details: { name: input.name, disabled: input.disabled } });
      return row!;
    });
    return c.json({ user: { ...userView(user), disabled: user.disabledAt !== null } });
  });
