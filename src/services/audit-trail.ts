import { type SQL, and, desc, eq, gte, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, auditSeals, cases, users } from '../../schema/index.ts';
import type { Ctx, SessionUser } from '../context.ts';
import { PLATFORM_CHAIN, sealAll, verifyAudit } from '../db/audit.ts';
import type { Db } from '../db/client.ts';

/** The secretariat reads its consortium's chain; the operator reads the platform's own. */
export function chainOfUser(user: SessionUser): string {
  return user.role === 'operator' ? PLATFORM_CHAIN : user.consortiumId!;
}

const day = z
  .string()
  .trim()
  .refine((v) => v === '' || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00+09:00`))), '日付は 2026-04-01 の形（年-月-日）で指定してください');
const optionalText = (label: string, max: number) => z.string().trim().max(max, `${label}は${max}文字以内で指定してください`).optional().default('');

/** What the trail page filters by: dates in Japan (inclusive), actor, action, case, target id; and the page. */
export const auditFilterInput = z
  .object({
    from: day.optional().default(''),
    to: day.optional().default(''),
    actor: optionalText('操作者', 64),
    action: optionalText('操作', 64),
    caseId: optionalText('案件', 64),
    target: optionalText('対象ID', 200),
    page: z.coerce.number({ error: 'ページは数字で指定してください' }).int('ページは整数で指定してください').min(1, 'ページは1以上で指定してください').max(100_000, 'ページの指定が大きすぎます').optional().default(1),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: '終了日は開始日と同じ日か後の日にしてください' });
export type AuditFilter = z.output<typeof auditFilterInput>;

export interface TrailEntry {
  id: number;
  seq: number | null;
  at: Date;
  actorUserId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  caseId: string | null;
  caseTitle: string | null;
  details: Record<string, unknown>;
}

/** The next day of a YYYY-MM-DD, as a date (for an inclusive end). */
const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00+09:00`) + 86_400_000);

function conditions(chainKey: string, f: AuditFilter): SQL[] {
  const where: SQL[] = [eq(auditLog.chainKey, chainKey)];
  if (f.from) where.push(gte(auditLog.at, new Date(`${f.from}T00:00:00+09:00`)));
  if (f.to) where.push(lt(auditLog.at, dayAfter(f.to)));
  if (f.actor) where.push(eq(auditLog.actorUserId, f.actor));
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.caseId) where.push(eq(auditLog.caseId, f.caseId));
  if (f.target) where.push(or(eq(auditLog.objectId, f.target), eq(auditLog.caseId, f.target))!);
  return where;
}

/**
 * The entries of a chain that match the filter, newest first, `limit` from `offset`, with how many match
 * in all. What was just written is sealed first, so every entry shows its place (seq) in the chain.
 */
export async function auditTrail(c: Ctx, chainKey: string, f: AuditFilter, limit: number, offset: number): Promise<{ entries: TrailEntry[]; total: number }> {
  const db: Db = c.get('deps').database.db;
  await sealAll(db, c.get('deps').keys.audit);
  const where = and(...conditions(chainKey, f));
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where);
  const rows = await db
    .select({
      id: auditLog.id,
      seq: auditSeals.seq,
      at: auditLog.at,
      actorUserId: auditLog.actorUserId,
      actorName: users.name,
      actorRole: auditLog.actorRole,
      action: auditLog.action,
      objectType: auditLog.objectType,
      objectId: auditLog.objectId,
      caseId: auditLog.caseId,
      caseTitle: cases.title,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(auditSeals, eq(auditSeals.entryId, auditLog.id))
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    // a case's title only from the chain's own consortium
    .leftJoin(cases, and(eq(cases.id, auditLog.caseId), eq(cases.consortiumId, auditLog.consortiumId)))
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .offset(offset);
  return { entries: rows.map((r) => ({ ...r, id: Number(r.id), seq: r.seq === null ? null : Number(r.seq) })), total: Number(counted?.n ?? 0) };
}

/** The choices of the filter: who has acted in the chain, which actions it holds, and the cases it names. */
export async function auditChoices(db: Db, chainKey: string) {
  const actors = await db
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorUserId))
    .where(eq(auditLog.chainKey, chainKey))
    .orderBy(users.name);
  const actions = await db.selectDistinct({ action: auditLog.action }).from(auditLog).where(eq(auditLog.chainKey, chainKey)).orderBy(auditLog.action);
  const caseRows =
    chainKey === PLATFORM_CHAIN ? [] : await db.select({ id: cases.id, title: cases.title }).from(cases).where(eq(cases.consortiumId, chainKey)).orderBy(desc(cases.createdAt));
  return { actors, actions: actions.map((a) => a.action), cases: caseRows };
}

/** Walks the whole chain: how many entries hold, or the first (seq) that does not. */
export async function verifyTrail(c: Ctx, chainKey: string) {
  return verifyAudit(c.get('deps').database.db, c.get('deps').keys.audit, chainKey);
}
