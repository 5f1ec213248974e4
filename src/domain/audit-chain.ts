import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The hash before the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry says, as the application wrote it (its MAC covers exactly this). */
export interface EntryContent {
  /** the random id the application gave the entry; null only on entries written before MACs */
  uid: string | null;
  chainKey: string;
  at: string;
  consortiumId: string | null;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  caseId: string | null;
  details: Record<string, unknown>;
}

/** An entry with its place in the chain and its MAC: what a seal is computed over. */
export interface AuditContent extends EntryContent {
  seq: number;
  mac: string | null;
}

export interface AuditRecord extends AuditContent {
  prevHash: string;
  hash: string;
  /** false only for seals made before the chain was keyed */
  keyed: boolean;
}

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Details as the database gives them back (jsonb keeps JSON, nothing more), so a MAC made before the insert still holds after. */
export const storedDetails = (details: Record<string, unknown> | undefined): Record<string, unknown> => JSON.parse(JSON.stringify(details ?? {}));

const hmac = (key: Buffer, label: string, ...parts: string[]) => {
  const h = createHmac('sha256', key).update(label);
  for (const p of parts) h.update('\n').update(p);
  return h.digest('hex');
};

/** The application's MAC over an entry, made when the entry is written. */
export const entryMac = (key: Buffer, content: EntryContent): string => hmac(key, 'audit-entry', canonicalJson(content));

/** A keyed link of the chain: HMAC over the previous hash and the entry with its seq and MAC. */
export const sealHash = (key: Buffer, prevHash: string, content: AuditContent): string => hmac(key, 'audit-seal', prevHash, canonicalJson(content));

/** The plain SHA-256 link of seals made before the chain was keyed (the content had no uid or MAC). */
export function legacyHash(prevHash: string, content: AuditContent): string {
  const { uid: _uid, mac: _mac, ...legacy } = content;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(legacy)).digest('hex');
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainVerdict {
  ok: boolean;
  entries: number;
  /** seq of the first entry that is missing, edited, forged or out of place */
  brokenAt?: number;
}

const sameHex = (a: string | null, b: string) => a !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether one sealed entry is genuine: its MAC is the application's and its link is keyed with the same key. */
function linkHolds(key: Buffer, record: AuditRecord, prevHash: string, keyedSoFar: boolean): boolean {
  const { prevHash: _p, hash, keyed, ...content } = record;
  if (!keyed) {
    // an unkeyed link is an old one: it can only come before every keyed link, on an entry without a MAC
    return !keyedSoFar && content.mac === null && content.uid === null && legacyHash(prevHash, content) === hash;
  }
  const { seq: _seq, mac, ...entry } = content;
  return sameHex(mac, entryMac(key, entry)) && sameHex(hash, sealHash(key, prevHash, content));
}

/**
 * Walks one chain in seq order. An edited entry no longer matches its MAC; an inserted one has no MAC
 * the application made; a deleted one leaves a gap in seq or a link that no longer matches; a chain
 * recomputed without the key fails at its first recomputed link; a deleted tail leaves the recorded
 * head ahead of the last row.
 */
export function verifyChain(key: Buffer, records: readonly AuditRecord[], head: ChainHead | null): ChainVerdict {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let keyedSoFar = false;
  for (const record of records) {
    if (record.seq !== expectedSeq || record.prevHash !== prevHash || !linkHolds(key, record, prevHash, keyedSoFar)) {
      return { ok: false, entries: records.length, brokenAt: expectedSeq };
    }
    keyedSoFar ||= record.keyed;
    prevHash = record.hash;
    expectedSeq += 1;
  }
  const lastSeq = expectedSeq - 1;
  if (head && (head.seq !== lastSeq || head.hash !== prevHash)) {
    return { ok: false, entries: records.length, brokenAt: lastSeq + 1 };
  }
  if (!head && records.length > 0) return { ok: false, entries: records.length, brokenAt: 1 };
  return { ok: true, entries: records.length };
}
