import { randomUUID } from 'node:crypto';
import { type SQL, and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { auditChains, auditLog, auditPending, auditSeals } from '../../schema/index.ts';
import { type AuditContent, type AuditRecord, type ChainVerdict, type EntryContent, GENESIS_HASH, entryMac, sealHash, storedDetails, verifyChain } from '../domain/audit-chain.ts';
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

/** An entry as it will be stored, with the uid and MAC the application gives it. */
function entryRow(key: Buffer, at: Date, input: AuditInput): EntryContent & { mac: string } {
  const content: EntryContent = {
    uid: randomUUID(),
    chainKey: input.consortiumId ?? PLATFORM_CHAIN,
    at: at.toISOString(),
    consortiumId: input.consortiumId,
    actorUserId: input.actorUserId,
    actorRole: input.actorRole,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId ?? null,
    caseId: input.caseId ?? null,
    details: storedDetails(input.details),
  };
  return { ...content, mac: entryMac(key, content) };
}

const rowValues = (r: EntryContent & { mac: string }) =>
  sql`${r.chainKey}, ${r.at}::timestamptz, ${r.consortiumId}, ${r.actorUserId}, ${r.actorRole}, ${r.action}, ${r.objectType}, ${r.objectId}, ${r.caseId}, ${JSON.stringify(r.details)}::jsonb, ${r.uid}, ${r.mac}`;

const insertEntries = (source: SQL) => sql`audit_entry as (
      insert into audit_log (chain_key, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details, uid, mac)
      ${source}
      returning id
    ), audit_queued as (
      insert into audit_pending (entry_id) select id from audit_entry
    )`;

/**
 * Two common table expressions, `audit_entry` and `audit_queued`, that append the entry once for each
 * row of `from` (a FROM clause, such as a CTE holding what the statement changed) and queue it for
 * sealing: a statement that changes something carries its own audit entry this way. The entry's
 * content is fixed here, where the application can MAC it.
 */
export function auditEntryFrom(key: Buffer, at: Date, input: AuditInput, from: SQL): SQL {
  return insertEntries(sql`select ${rowValues(entryRow(key, at, input))} from ${from}`);
}

/**
 * Writes entries inside the caller's transaction, in one statement and without a lock: the entry
 * commits or rolls back with the change it records. The sealer chains it shortly after.
 */
export async function appendAuditEntries(tx: Db, key: Buffer, at: Date, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const rows = sql.join(
    inputs.map((i) => sql`(${rowValues(entryRow(key, at, i))})`),
    sql`, `,
  );
  await tx.execute(sql`with ${insertEntries(sql`values ${rows}`)} select 1`);
}

export async function appendAudit(tx: Db, key: Buffer, at: Date, input: AuditInput): Promise<void> {
  await appendAuditEntries(tx, key, at, [input]);
}

type AuditRow = typeof auditLog.$inferSelect;

function contentOf(row: AuditRow, seq: number): AuditContent {
  return {
    uid: row.uid,
    mac: row.mac,
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
 * HMAC (audit key) over the previous hash and its content with its MAC. Chains are locked in key
 * order; answers how many entries were sealed. An entry someone inserted behind the application's
 * back is sealed too, in its place, and verification names it: its MAC is not the application's.
 */
export async function sealPending(db: Db, key: Buffer, limit = 5000): Promise<number> {
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
        const hash = sealHash(key, prevHash, contentOf(entry, seq));
        const seal = { chainKey, seq, entryId: entry.id, prevHash, hash, keyed: true };
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
export async function sealAll(db: Db, key: Buffer): Promise<void> {
  while ((await sealPending(db, key)) > 0);
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
 * Walks one chain in seq order. An edited entry no longer matches its MAC; a forged one has none the
 * application made; a deleted entry leaves its seal without content; a deleted seal leaves a gap, or
 * an entry with no place in the chain; a chain recomputed without the key fails at its first link.
 */
export async function verifyAudit(db: Db, key: Buffer, chainKey: string): Promise<ChainVerdict & { head: PublishedHead }> {
  await sealAll(db, key);
  const rows = await db
    .select({ seal: auditSeals, entry: auditLog })
    .from(auditSeals)
    .leftJoin(auditLog, eq(auditLog.id, auditSeals.entryId))
    .where(eq(auditSeals.chainKey, chainKey))
    .orderBy(asc(auditSeals.seq));
  const [head] = await db.select().from(auditChains).where(eq(auditChains.chainKey, chainKey));
  const last = rows.at(-1);
  const published: PublishedHead = { seq: last ? Number(last.seal.seq) : 0, hash: last?.seal.hash ?? GENESIS_HASH, at: last?.entry?.at.toISOString() ?? null };
  const records: AuditRecord[] = [];
  for (const { seal, entry } of rows) {
    const seq = Number(seal.seq);
    if (!entry || entry.chainKey !== chainKey) return { ok: false, entries: rows.length, brokenAt: seq, head: published };
    records.push({ ...contentOf(entry, seq), prevHash: seal.prevHash, hash: seal.hash, keyed: seal.keyed });
  }
  const verdict = verifyChain(key, records, head ? { seq: Number(head.seq), hash: head.hash } : null);
  if (!verdict.ok) return { ...verdict, head: published };
  // every entry of the chain must have its place in it
  const [unsealed] = await db.execute(sql`
    select count(*)::int as n from audit_log l
    where l.chain_key = ${chainKey} and not exists (select 1 from audit_seals s where s.entry_id = l.id)
      and not exists (select 1 from audit_pending p where p.entry_id = l.id)`).then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { n: number }[] }).rows) as { n: number }[]);
  if (unsealed && Number(unsealed.n) > 0) return { ok: false, entries: records.length, brokenAt: records.length + 1, head: published };
  return { ...verdict, head: published };
}

/** The head of a chain as anyone may keep a copy of it: its last seq, that link's hash, and the entry's time. */
export interface PublishedHead {
  seq: number;
  hash: string;
  at: string | null;
}

/** The chain's head after sealing what was written; a copy kept by anyone later proves the record was not rewritten. */
export async function chainHead(db: Db, key: Buffer, chainKey: string, atSeq?: number): Promise<PublishedHead | null> {
  await sealAll(db, key);
  const conditions = [eq(auditSeals.chainKey, chainKey)];
  if (atSeq !== undefined) conditions.push(eq(auditSeals.seq, atSeq));
  const [row] = await db
    .select({ seq: auditSeals.seq, hash: auditSeals.hash, at: auditLog.at })
    .from(auditSeals)
    .leftJoin(auditLog, eq(auditLog.id, auditSeals.entryId))
    .where(and(...conditions))
    .orderBy(desc(auditSeals.seq))
    .limit(1);
  if (!row) return atSeq === undefined ? { seq: 0, hash: GENESIS_HASH, at: null } : null;
  return { seq: Number(row.seq), hash: row.hash, at: row.at?.toISOString() ?? null };
}

/** The heads of several chains after one sealing and in one query (a chain with no entry yet: seq 0). */
export async function chainHeads(db: Db, key: Buffer, chainKeys: readonly string[]): Promise<Map<string, PublishedHead>> {
  const heads = new Map<string, PublishedHead>(chainKeys.map((k) => [k, { seq: 0, hash: GENESIS_HASH, at: null }]));
  if (chainKeys.length === 0) return heads;
  await sealAll(db, key);
  const rows = await db
    .select({ chainKey: auditChains.chainKey, seq: auditChains.seq, hash: auditChains.hash, at: auditLog.at })
    .from(auditChains)
    .leftJoin(auditSeals, and(eq(auditSeals.chainKey, auditChains.chainKey), eq(auditSeals.seq, auditChains.seq)))
    .leftJoin(auditLog, eq(auditLog.id, auditSeals.entryId))
    .where(inArray(auditChains.chainKey, [...chainKeys]));
  for (const r of rows) heads.set(r.chainKey, { seq: Number(r.seq), hash: r.hash, at: r.at?.toISOString() ?? null });
  return heads;
}
