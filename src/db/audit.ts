import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { auditChains, auditLog } from '../../schema/index.ts';
import { type AuditContent, type AuditRecord, type ChainVerdict, GENESIS_HASH, entryHash, verifyChain } from '../domain/audit-chain.ts';
import type { Db } from './client.ts';

export const PLATFORM_CHAIN = 'platform';

export interface AuditInput {
  consortiumId: string | null;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  objectType: string;
  objectId?: string | null;
  caseId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Appends one entry inside the caller's transaction. The upsert on the chain head locks that row until
 * commit, so concurrent appends to one chain queue up and the chain never forks.
 */
export async function appendAudit(tx: Db, at: Date, input: AuditInput): Promise<AuditRecord> {
  const chainKey = input.consortiumId ?? PLATFORM_CHAIN;
  const [head] = await tx
    .insert(auditChains)
    .values({ chainKey, seq: 0, hash: GENESIS_HASH })
    .onConflictDoUpdate({ target: auditChains.chainKey, set: { chainKey: sql`excluded.chain_key` } })
    .returning({ seq: auditChains.seq, hash: auditChains.hash });
  const content: AuditContent = {
    chainKey,
    seq: Number(head!.seq) + 1,
    at: at.toISOString(),
    consortiumId: input.consortiumId,
    actorUserId: input.actorUserId,
    actorRole: input.actorRole,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId ?? null,
    caseId: input.caseId ?? null,
    details: normaliseDetails(input.details ?? {}),
  };
  const hash = entryHash(head!.hash, content);
  await tx.insert(auditLog).values({ ...content, at, prevHash: head!.hash, hash });
  await tx.update(auditChains).set({ seq: content.seq, hash }).where(eq(auditChains.chainKey, chainKey));
  return { ...content, prevHash: head!.hash, hash };
}

/** Details go through JSON once so what is hashed is exactly what jsonb gives back. */
function normaliseDetails(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
}

type AuditRow = typeof auditLog.$inferSelect;

function toRecord(row: AuditRow): AuditRecord {
  return {
    chainKey: row.chainKey,
    seq: Number(row.seq),
    at: row.at.toISOString(),
    consortiumId: row.consortiumId,
    actorUserId: row.actorUserId,
    actorRole: row.actorRole,
    action: row.action,
    objectType: row.objectType,
    objectId: row.objectId,
    caseId: row.caseId,
    details: row.details,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export async function listAudit(
  db: Db,
  chainKey: string,
  filter: { caseId?: string | undefined; limit: number; beforeSeq?: number | undefined },
): Promise<AuditRecord[]> {
  const conditions = [eq(auditLog.chainKey, chainKey)];
  if (filter.caseId) conditions.push(eq(auditLog.caseId, filter.caseId));
  if (filter.beforeSeq) conditions.push(sql`${auditLog.seq} < ${filter.beforeSeq}`);
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(filter.limit);
  return rows.map(toRecord);
}

export async function verifyAudit(db: Db, chainKey: string): Promise<ChainVerdict> {
  const rows = await db.select().from(auditLog).where(eq(auditLog.chainKey, chainKey)).orderBy(asc(auditLog.seq));
  const [head] = await db.select().from(auditChains).where(eq(auditChains.chainKey, chainKey));
  return verifyChain(rows.map(toRecord), head ? { seq: Number(head.seq), hash: head.hash } : null);
}
