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
 * Appends entries inside the caller's transaction, at its end. Each chain's head row is locked by an
 * upsert until commit, so concurrent appends to one chain queue up and the chain never forks; the lock
 * is taken last and held for two statements (the head, then the entries with the new head), so
 * concurrent requests wait on each other as briefly as possible. Chains are locked in key order, so two
 * transactions touching the same chains cannot deadlock.
 */
export async function appendAuditEntries(tx: Db, at: Date, inputs: readonly AuditInput[]): Promise<AuditRecord[]> {
  const byChain = new Map<string, AuditInput[]>();
  for (const input of inputs) {
    const key = input.consortiumId ?? PLATFORM_CHAIN;
    byChain.set(key, [...(byChain.get(key) ?? []), input]);
  }
  const written: AuditRecord[] = [];
  for (const chainKey of [...byChain.keys()].sort()) {
    const [head] = await tx
      .insert(auditChains)
      .values({ chainKey, seq: 0, hash: GENESIS_HASH })
      .onConflictDoUpdate({ target: auditChains.chainKey, set: { chainKey: sql`excluded.chain_key` } })
      .returning({ seq: auditChains.seq, hash: auditChains.hash });
    let seq = Number(head!.seq);
    let prevHash = head!.hash;
    const records: AuditRecord[] = [];
    for (const input of byChain.get(chainKey)!) {
      seq += 1;
      const content: AuditContent = {
        chainKey,
        seq,
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
      const hash = entryHash(prevHash, content);
      records.push({ ...content, prevHash, hash });
      prevHash = hash;
    }
    const rows = sql.join(
      records.map(
        (r) =>
          sql`(${r.chainKey}, ${r.seq}, ${at.toISOString()}::timestamptz, ${r.consortiumId}, ${r.actorUserId}, ${r.actorRole}, ${r.action}, ${r.objectType}, ${r.objectId}, ${r.caseId}, ${JSON.stringify(r.details)}::jsonb, ${r.prevHash}, ${r.hash})`,
      ),
      sql`, `,
    );
    await tx.execute(sql`
      with entries as (
        insert into audit_log (chain_key, seq, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details, prev_hash, hash)
        values ${rows}
      )
      update audit_chains set seq = ${seq}, hash = ${prevHash} where chain_key = ${chainKey}`);
    written.push(...records);
  }
  return written;
}

/** Appends one entry inside the caller's transaction (see appendAuditEntries). */
export async function appendAudit(tx: Db, at: Date, input: AuditInput): Promise<AuditRecord> {
  const [record] = await appendAuditEntries(tx, at, [input]);
  return record!;
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
