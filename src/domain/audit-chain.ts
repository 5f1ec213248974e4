import { createHash } from 'node:crypto';

/** The hash before the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  chainKey: string;
  seq: number;
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

export interface AuditRecord extends AuditContent {
  prevHash: string;
  hash: string;
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

/** SHA-256 over the previous entry's hash and this entry's canonical JSON. */
export function entryHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainVerdict {
  ok: boolean;
  entries: number;
  /** seq of the first entry that is missing, edited or out of place */
  brokenAt?: number;
}

/**
 * Walks one chain in seq order. An edited row changes its hash; a deleted row leaves a gap in seq or a
 * prevHash that no longer matches; a deleted tail leaves the recorded head ahead of the last row.
 */
export function verifyChain(records: readonly AuditRecord[], head: ChainHead | null): ChainVerdict {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const record of records) {
    const { prevHash: storedPrev, hash, ...content } = record;
    if (record.seq !== expectedSeq || storedPrev !== prevHash || entryHash(prevHash, content) !== hash) {
      return { ok: false, entries: records.length, brokenAt: expectedSeq };
    }
    prevHash = hash;
    expectedSeq += 1;
  }
  const lastSeq = expectedSeq - 1;
  if (head && (head.seq !== lastSeq || head.hash !== prevHash)) {
    return { ok: false, entries: records.length, brokenAt: lastSeq + 1 };
  }
  if (!head && records.length > 0) return { ok: false, entries: records.length, brokenAt: 1 };
  return { ok: true, entries: records.length };
}
