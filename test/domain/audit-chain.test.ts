import { describe, expect, it } from 'vitest';
import { type AuditContent, type AuditRecord, GENESIS_HASH, canonicalJson, entryHash, verifyChain } from '../../src/domain/audit-chain.ts';

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content: AuditContent = {
      chainKey: 'c1',
      seq,
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
    const hash = entryHash(prev, content);
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

const headOf = (records: AuditRecord[]) => ({ seq: records.at(-1)?.seq ?? 0, hash: records.at(-1)?.hash ?? GENESIS_HASH });

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
    const records = chain(5);
    expect(verifyChain(records, headOf(records))).toEqual({ ok: true, entries: 5 });
    expect(verifyChain([], { seq: 0, hash: GENESIS_HASH })).toEqual({ ok: true, entries: 0 });
  });

  it('finds an edited entry', () => {
    const records = chain(5);
    records[2] = { ...records[2]!, details: { name: '書き換え' } };
    expect(verifyChain(records, headOf(chain(5)))).toEqual({ ok: false, entries: 5, brokenAt: 3 });
  });

  it('finds an entry whose hash was recomputed after an edit, at the next link', () => {
    const records = chain(5);
    const edited = { ...records[1]!, action: 'member.delete' };
    const { prevHash, hash: _old, ...content } = edited;
    records[1] = { ...edited, hash: entryHash(prevHash, content) };
    expect(verifyChain(records, headOf(chain(5))).brokenAt).toBe(3);
  });

  it('finds a deleted entry in the middle', () => {
    const records = chain(5);
    const head = headOf(records);
    records.splice(3, 1);
    expect(verifyChain(records, head)).toEqual({ ok: false, entries: 4, brokenAt: 4 });
  });

  it('finds deleted entries at the end through the recorded head', () => {
    const records = chain(5);
    const head = headOf(records);
    expect(verifyChain(records.slice(0, 3), head)).toEqual({ ok: false, entries: 3, brokenAt: 4 });
  });
});
