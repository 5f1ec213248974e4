import { randomInt } from 'node:crypto';
import { and, asc, eq, max, sql } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, members, users, vendors } from '../../schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { sessionCacheOf } from '../auth/session-cache.ts';
import { type Ctx, type SessionUser, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { endUserSessions } from '../db/sessions.ts';
import { type UserRow, findMember, findVendor } from '../db/tenancy.ts';
import { insertUser } from '../db/users.ts';
import { AppError, notFound } from '../errors.ts';
import { emailInput, idParam, nameInput, passwordInput } from '../http/inputs.ts';
import { mutate } from '../http/mutate.ts';

export const accountRoles = ['secretariat', 'member', 'evaluator', 'vendor'] as const;

/** POST /users: an account of the consortium; a member's names its body, a vendor's its company. */
export const userInput = z
  .strictObject({
    email: emailInput,
    name: nameInput,
    role: z.enum(accountRoles, { error: '権限は事務局・参加団体・評価委員・事業者のいずれかを選んでください' }),
    password: passwordInput,
    memberId: idParam.optional(),
    vendorId: idParam.optional(),
  })
  .superRefine((u, ctx) => {
    if (u.role === 'member' && !u.memberId) ctx.addIssue({ code: 'custom', path: ['memberId'], message: '参加団体の利用者には所属する参加団体を選んでください' });
    if (u.role === 'vendor' && !u.vendorId) ctx.addIssue({ code: 'custom', path: ['vendorId'], message: '事業者の利用者には所属する事業者を選んでください' });
    if (u.role !== 'member' && u.memberId) ctx.addIssue({ code: 'custom', path: ['memberId'], message: '所属する参加団体は参加団体の利用者にのみ指定できます' });
    if (u.role !== 'vendor' && u.vendorId) ctx.addIssue({ code: 'custom', path: ['vendorId'], message: '所属する事業者は事業者の利用者にのみ指定できます' });
  });
export type UserInput = z.output<typeof userInput>;

/** PATCH /users/:id: the name, and whether the account may sign in. */
export const userPatch = z
  .strictObject({ name: nameInput.optional(), disabled: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: '変更する項目を指定してください' });

/** An account as the secretariat's list shows it: its body or company, whether it may sign in, its last sign-in. */
export interface Account {
  id: string;
  email: string;
  name: string;
  role: UserRow['role'];
  memberId: string | null;
  vendorId: string | null;
  /** the body (参加団体) or company (事業者) the account belongs to */
  affiliation: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

/** When each account (or the one given) last signed in, read from the consortium's audit trail in one pass. */
async function lastLogins(db: Db, consortiumId: string, userId?: string): Promise<Map<string, Date>> {
  const rows = await db
    .select({ userId: auditLog.objectId, at: max(auditLog.at) })
    .from(auditLog)
    .where(and(eq(auditLog.chainKey, consortiumId), eq(auditLog.action, 'auth.login'), userId ? eq(auditLog.objectId, userId) : undefined))
    .groupBy(auditLog.objectId);
  return new Map(rows.flatMap((r) => (r.userId && r.at ? [[r.userId, new Date(r.at)] as const] : [])));
}

function accountsQuery(db: Db) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      memberId: users.memberId,
      vendorId: users.vendorId,
      memberName: members.name,
      vendorName: vendors.name,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(members, eq(members.id, users.memberId))
    .leftJoin(vendors, eq(vendors.id, users.vendorId));
}

type AccountRow = Awaited<ReturnType<ReturnType<typeof accountsQuery>['where']>>[number];

function toAccount({ memberName, vendorName, ...row }: AccountRow, logins: Map<string, Date>): Account {
  return { ...row, affiliation: memberName ?? vendorName ?? null, lastLoginAt: logins.get(row.id) ?? null };
}

const roleOrder = sql`case ${users.role} when 'secretariat' then 1 when 'member' then 2 when 'evaluator' then 3 else 4 end`;

/** The consortium's accounts: 事務局, 参加団体, 評価委員, 事業者, each by e-mail address. */
export async function listAccounts(db: Db, consortiumId: string): Promise<Account[]> {
  const rows = await accountsQuery(db).where(eq(users.consortiumId, consortiumId)).orderBy(roleOrder, asc(users.email));
  const logins = await lastLogins(db, consortiumId);
  return rows.map((row) => toAccount(row, logins));
}

/** One account of the consortium; another consortium's (or none) is 404. */
export async function findAccount(db: Db, consortiumId: string, id: string): Promise<Account> {
  const [row] = await accountsQuery(db).where(and(eq(users.id, id), eq(users.consortiumId, consortiumId)));
  if (!row) throw notFound('指定された利用者が見つかりません。');
  return toAccount(row, await lastLogins(db, consortiumId, id));
}

/** Creates an account of the caller's consortium; its body or company must be the consortium's own. */
export async function createUser(c: Ctx, consortiumId: string, input: UserInput): Promise<UserRow> {
  const db = dbOf(c);
  if (input.memberId && !(await findMember(db, consortiumId, input.memberId))) {
    throw new AppError('validation_error', '指定された参加団体が見つかりません。', [{ path: 'memberId', message: '存在しない参加団体です' }]);
  }
  if (input.vendorId && !(await findVendor(db, consortiumId, input.vendorId))) {
    throw new AppError('validation_error', '指定された事業者が見つかりません。', [{ path: 'vendorId', message: '存在しない事業者です' }]);
  }
  const passwordHash = await hashPassword(input.password);
  return mutate(c, async (tx, audit) => {
    const row = await insertUser(tx, { ...input, consortiumId, passwordHash }, nowOf(c));
    await audit({ action: 'user.create', objectType: 'user', objectId: row.id, details: { email: row.email, role: row.role } });
    return row;
  });
}

/** Ends every session of the account, in the database and in this instance's cache. */
async function signOutEverywhere(c: Ctx, tx: Db, userId: string) {
  await endUserSessions(tx, userId);
  sessionCacheOf(c.get('deps').database).dropUser(userId);
}

/** Renames an account or disables / enables it; a disabled account loses every session at once. */
export async function updateUser(c: Ctx, me: SessionUser & { consortiumId: string }, id: string, patch: z.output<typeof userPatch>): Promise<UserRow> {
  return mutate(c, async (tx, audit) => {
    const [current] = await tx.select().from(users).where(and(eq(users.id, id), eq(users.consortiumId, me.consortiumId)));
    if (!current) throw notFound('指定された利用者が見つかりません。');
    if (patch.disabled && current.id === me.id) throw new AppError('conflict', '自分自身のアカウントを無効にすることはできません。');
    const disabledAt = patch.disabled === undefined ? current.disabledAt : patch.disabled ? (current.disabledAt ?? nowOf(c)) : null;
    const [row] = await tx
      .update(users)
      .set({ name: patch.name ?? current.name, disabledAt })
      .where(eq(users.id, id))
      .returning();
    if (disabledAt) await signOutEverywhere(c, tx, id);
    await audit({ action: 'user.update', objectType: 'user', objectId: id, details: { name: patch.name, disabled: patch.disabled } });
    return row!;
  });
}

// no 0/O, 1/l/I: a temporary password is read aloud or copied by hand
const PASSWORD_CHARS = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A temporary password to hand to the account's owner: 14 characters, about 80 bits. */
export function temporaryPassword(): string {
  return Array.from({ length: 14 }, () => PASSWORD_CHARS[randomInt(PASSWORD_CHARS.length)]).join('');
}

/**
 * Sets a new password on another account of the consortium (the one its owner forgot); every session
 * the account had ends, so whoever held the old password is signed out.
 */
export async function resetPassword(c: Ctx, me: SessionUser & { consortiumId: string }, id: string, password: string): Promise<void> {
  const parsed = passwordInput.safeParse(password);
  if (!parsed.success) throw new AppError('validation_error', parsed.error.issues[0]!.message, [{ path: 'password', message: parsed.error.issues[0]!.message }]);
  if (id === me.id) throw new AppError('conflict', '自分自身のパスワードはここでは再設定できません。');
  const passwordHash = await hashPassword(parsed.data);
  await mutate(c, async (tx, audit) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, id), eq(users.consortiumId, me.consortiumId)))
      .returning({ id: users.id });
    if (!row) throw notFound('指定された利用者が見つかりません。');
    await signOutEverywhere(c, tx, id);
    // the password itself is never written to the trail
    await audit({ action: 'user.password_reset', objectType: 'user', objectId: id });
  });
}
