import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditContent,
  type AuditRecord,
  type EntryContent,
  GENESIS_HASH,
  canonicalJson,
  entryMac,
  legacyHash,
  sealHash,
  verifyChain,
} from '../../src/domain/audit-chain.ts';

const key = randomBytes(32);

function entry(seq: number): EntryContent {
  return {
    uid: randomUUID(),
    chainKey: 'c1',
    at: new Date(Date.UTC(2026, 3, 1, 0, 0, seq)).toISOString(),
    consortiumId: 'c1',
    actorUserId: 'u1',
    actorRole: 'secretariat',
    action: 'member.create',
    objectType: 'member',
    objectId: `m${seq}`,
    caseId: null,
    details: { name: `団体${seq}`, nested: { b: 1, a: [2, { z: 1, y: 2 }] } },
  };
}

/** Links records as the sealer does (keyed) or as someone without the key can (plain SHA-256 over the same). */
function link(entries: (EntryContent & { mac: string | null })[], hashWith: (prev: string, c: AuditContent) => string, keyed: boolean, from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): AuditRecord[] {
  let prev = from.hash;
  return entries.map((e, i) => {
    const content: AuditContent = { ...e, seq: from.seq + i + 1 };
    const hash = hashWith(prev, content);
    const record = { ...content, prevHash: prev, hash, keyed };
    prev = hash;
    return record;
  });
}

const genuine = (e: EntryContent) => ({ ...e, mac: entryMac(key, e) });
const keyedChain = (n: number) => link(Array.from({ length: n }, (_, i) => genuine(entry(i + 1))), (p, c) => sealHash(key, p, c), true);
const headOf = (records: AuditRecord[]) => ({ seq: records.at(-1)?.seq ?? 0, hash: records.at(-1)?.hash ?? GENESIS_HASH });
/** What someone who can write to the database but does not hold the key can compute for a link. */
const forgerHash = (prev: string, c: AuditContent) => createHash('sha256').update(prev).update(canonicalJson(c)).digest('hex');

describe('canonicalJson', () => {
  it('sorts keys at every depth so key order does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it('drops undefined members and keeps Japanese text as is', () => {
    expect(canonicalJson({ a: undefined, 名前: '熊本市' })).toBe('{"名前":"熊本市"}');
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const records = keyedChain(5);
    expect(verifyChain(key, records, headOf(records))).toEqual({ ok: true, entries: 5 });
    expect(verifyChain(key, [], { seq: 0, hash: GENESIS_HASH })).toEqual({ ok: true, entries: 0 });
  });

  it('finds an edited entry', () => {
    const records = keyedChain(5);
    records[2] = { ...records[2]!, details: { name: '書き換え' } };
    expect(verifyChain(key, records, headOf(keyedChain(5)))).toEqual({ ok: false, entries: 5, brokenAt: 3 });
  });

  it('finds an edited entry whose link was recomputed, even with the chain rebuilt after it', () => {
    const records = keyedChain(5);
    const edited = records.map(({ prevHash: _p, hash: _h, keyed: _k, seq: _s, ...e }) => e);
    edited[1] = { ...edited[1]!, action: 'member.delete' };
    // a forger holding the key of the links but not the entry MAC key would still fail here: the MAC is the application's
    const rebuilt = link(edited, (p, c) => sealHash(key, p, c), true);
    expect(verifyChain(key, rebuilt, headOf(rebuilt))).toEqual({ ok: false, entries: 5, brokenAt: 2 });
  });

  it('finds a chain recomputed without the key, at its first link', () => {
    const records = keyedChain(5);
    const entries = records.map(({ prevHash: _p, hash: _h, keyed: _k, seq: _s, ...e }) => e);
    entries.splice(2, 1);
    const rebuilt = link(entries, forgerHash, true);
    expect(verifyChain(key, rebuilt, headOf(rebuilt))).toEqual({ ok: false, entries: 4, brokenAt: 1 });
  });

  it('finds a forged entry appended with a correct link but no MAC of the application', () => {
    const records = keyedChain(3);
    const forged = { ...entry(4), at: '2026-03-01T00:00:00.000Z', mac: 'f'.repeat(64) };
    const [appended] = link([forged], (p, c) => sealHash(key, p, c), true, headOf(records));
    const all = [...records, appended!];
    expect(verifyChain(key, all, headOf(all))).toEqual({ ok: false, entries: 4, brokenAt: 4 });
  });

  it('finds a deleted entry in the middle', () => {
    const records = keyedChain(5);
    const head = headOf(records);
    records.splice(3, 1);
    expect(verifyChain(key, records, head)).toEqual({ ok: false, entries: 4, brokenAt: 4 });
  });

  it('finds deleted entries at the end through the recorded head', () => {
    const records = keyedChain(5);
    const head = headOf(records);
    expect(verifyChain(key, records.slice(0, 3), head)).toEqual({ ok: false, entries: 3, brokenAt: 4 });
  });

  it('accepts unkeyed links made before keys only ahead of every keyed link, and only on entries without a MAC', () => {
    const old = link([1, 2].map((n) => ({ ...entry(n), uid: null, mac: null })), legacyHash, false);
    const next = link([genuine(entry(3))], (p, c) => sealHash(key, p, c), true, headOf(old));
    const both = [...old, ...next];
    expect(verifyChain(key, both, headOf(both))).toEqual({ ok: true, entries: 3 });
    // an unkeyed link after a keyed one is a forger's
    const late = link([{ ...entry(4), uid: null, mac: null }], legacyHash, false, headOf(both));
    const downgraded = [...both, ...late];
    expect(verifyChain(key, downgraded, headOf(downgraded))).toEqual({ ok: false, entries: 4, brokenAt: 4 });
  });
});
