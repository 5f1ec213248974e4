import { type SQL, and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { auditChains, auditLog, auditPending, auditSeals } from '../../schema/index.ts';
import { type AuditContent, type AuditRecord, type ChainVerdict, GENESIS_HASH, entryHash, verifyChain } from '../domain/audit-chain.ts';
import { type Db, transaction } from './client.ts';

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
 * Two common table expressions, `audit_entry` and `audit_queued`, that append one audit entry per row
 * of `source` (a query giving chain_key, at, consortium_id, actor_user_id, actor_role, action,
 * object_type, object_id, case_id, details) and queue each for sealing. A statement that changes
 * something can carry its own audit entry this way.
 */
export function auditEntriesFrom(source: SQL): SQL {
  return sql`audit_entry as (
      insert into audit_log (chain_key, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details)
      ${source}
      returning id
    ), audit_queued as (
      insert into audit_pending (entry_id) select id from audit_entry
    )`;
}

/**
 * Writes entries inside the caller's transaction, in one statement and without a lock: the entry
 * commits or rolls back with the change it records. The sealer chains it shortly after.
 */
export async function appendAuditEntries(tx: Db, at: Date, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const rows = sql.join(
    inputs.map(
      (i) =>
        sql`(${i.consortiumId ?? PLATFORM_CHAIN}, ${at.toISOString()}::timestamptz, ${i.consortiumId}, ${i.actorUserId}, ${i.actorRole}, ${i.action}, ${i.objectType}, ${i.objectId ?? null}, ${i.caseId ?? null}, ${JSON.stringify(i.details ?? {})}::jsonb)`,
    ),
    sql`, `,
  );
  await tx.execute(sql`with ${auditEntriesFrom(sql`values ${rows}`)} select 1`);
}

export async function appendAudit(tx: Db, at: Date, input: AuditInput): Promise<void> {
  await appendAuditEntries(tx, at, [input]);
}

type AuditRow = typeof auditLog.$inferSelect;

function contentOf(row: AuditRow, seq: number): AuditContent {
  return {
    chainKey: row.chainKey,
    seq,
    at: row.at.toISOString(),
    consortiumId: row.consortiumId,
    actorUserId: row.actorUserId,
    actorRole: row.actorRole,
    action: row.action,
    objectType: row.objectType,
    objectId: row.objectId,
    caseId: row.caseId,
    details: row.details,
  };
}

/**
 * Seals written entries into their chains: takes the pending markers (skipping any another sealer
 * holds), and for each chain, under the lock of its head row, gives each entry the next seq and the
 * SHA-256 over the previous hash and its content. Chains are locked in key order; answers how many
 * entries were sealed.
 */
export async function sealPending(db: Db, limit = 5000): Promise<number> {
  return transaction(db, async (tx) => {
    const taken = await tx.select({ entryId: auditPending.entryId }).from(auditPending).orderBy(asc(auditPending.entryId)).limit(limit).for('update', { skipLocked: true });
    if (taken.length === 0) return 0;
    const ids = taken.map((t) => t.entryId);
    const entries = await tx.select().from(auditLog).where(inArray(auditLog.id, ids)).orderBy(asc(auditLog.id));
    const byChain = new Map<string, AuditRow[]>();
    for (const e of entries) byChain.set(e.chainKey, [...(byChain.get(e.chainKey) ?? []), e]);
    for (const chainKey of [...byChain.keys()].sort()) {
      const [head] = await tx
        .insert(auditChains)
        .values({ chainKey, seq: 0, hash: GENESIS_HASH })
        .onConflictDoUpdate({ target: auditChains.chainKey, set: { chainKey: sql`excluded.chain_key` } })
        .returning({ seq: auditChains.seq, hash: auditChains.hash });
      let seq = Number(head!.seq);
      let prevHash = head!.hash;
      const seals = byChain.get(chainKey)!.map((entry) => {
        seq += 1;
        const hash = entryHash(prevHash, contentOf(entry, seq));
        const seal = { chainKey, seq, entryId: entry.id, prevHash, hash };
        prevHash = hash;
        return seal;
      });
      await tx.insert(auditSeals).values(seals);
      await tx.update(auditChains).set({ seq, hash: prevHash }).where(eq(auditChains.chainKey, chainKey));
    }
    await tx.delete(auditPending).where(inArray(auditPending.entryId, ids));
    return ids.length;
  });
}

/** Seals everything written so far (a few thousand at a time). */
export async function sealAll(db: Db): Promise<void> {
  while ((await sealPending(db)) > 0);
}

export interface ListedEntry extends AuditContent {
  prevHash: string | null;
  hash: string | null;
}

export async function listAudit(
  db: Db,
  chainKey: string,
  filter: { caseId?: string | undefined; limit: number; beforeSeq?: number | undefined },
): Promise<ListedEntry[]> {
  const conditions = [eq(auditLog.chainKey, chainKey)];
  if (filter.caseId) conditions.push(eq(auditLog.caseId, filter.caseId));
  if (filter.beforeSeq) conditions.push(sql`${auditSeals.seq} < ${filter.beforeSeq}`);
  const rows = await db
    .select({ entry: auditLog, seal: auditSeals })
    .from(auditLog)
    .leftJoin(auditSeals, eq(auditSeals.entryId, auditLog.id))
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit);
  return rows.map(({ entry, seal }) => ({
    ...contentOf(entry, seal ? Number(seal.seq) : 0),
    prevHash: seal?.prevHash ?? null,
    hash: seal?.hash ?? null,
  }));
}

/**
 * Walks one chain in seq order. An edited entry no longer matches its hash; a deleted entry leaves its
 * seal without content; a deleted seal leaves a gap, or an entry with no place in the chain.
 */
export async function verifyAudit(db: Db, chainKey: string): Promise<ChainVerdict> {
  await sealAll(db);
  const rows = await db
    .select({ seal: auditSeals, entry: auditLog })
    .from(auditSeals)
    .leftJoin(auditLog, eq(auditLog.id, auditSeals.entryId))
    .where(eq(auditSeals.chainKey, chainKey))
    .orderBy(asc(auditSeals.seq));
  const [head] = await db.select().from(auditChains).where(eq(auditChains.chainKey, chainKey));
  const records: AuditRecord[] = [];
  for (const { seal, entry } of rows) {
    const seq = Number(seal.seq);
    if (!entry || entry.chainKey !== chainKey) return { ok: false, entries: rows.length, brokenAt: seq };
    records.push({ ...contentOf(entry, seq), prevHash: seal.prevHash, hash: seal.hash });
  }
  const verdict = verifyChain(records, head ? { seq: Number(head.seq), hash: head.hash } : null);
  if (!verdict.ok) return verdict;
  // every entry of the chain must have its place in it
  const [unsealed] = await db.execute(sql`
    select count(*)::int as n from audit_log l
    where l.chain_key = ${chainKey} and not exists (select 1 from audit_seals s where s.entry_id = l.id)
      and not exists (select 1 from audit_pending p where p.entry_id = l.id)`).then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { n: number }[] }).rows) as { n: number }[]);
  if (unsealed && Number(unsealed.n) > 0) return { ok: false, entries: records.length, brokenAt: records.length + 1 };
  return verdict;
}
