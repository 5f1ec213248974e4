import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys, randomKeys } from '../../src/keys.ts';
import { bidDigest, bidSalt, checkBidDigest, digestInput, sealAmount, unsealAmount } from '../../src/services/seal.ts';

describe('sealed bid amounts', () => {
  const keys = randomKeys();

  it('round-trip only with the same key and the same case, round and vendor', () => {
    const sealed = sealAmount(keys, 9_876_543, 'case:1:vendor');
    expect(sealed).not.toContain('9876543');
    expect(unsealAmount(keys, sealed, 'case:1:vendor')).toBe(9_876_543);
    expect(() => unsealAmount(keys, sealed, 'case:1:other-vendor')).toThrow();
    expect(() => unsealAmount(randomKeys(), sealed, 'case:1:vendor')).toThrow();
  });

  it('seal the same amount differently each time', () => {
    expect(sealAmount(keys, 100, 'b')).not.toBe(sealAmount(keys, 100, 'b'));
  });

  it('still open an amount sealed with the master key itself before keys were derived (v1)', () => {
    const master = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, iv);
    cipher.setAAD(Buffer.from('c:1:v'));
    const body = Buffer.concat([cipher.update('4500000', 'utf8'), cipher.final()]);
    const v1 = `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    expect(unsealAmount(deriveKeys(master), v1, 'c:1:v')).toBe(4_500_000);
  });

  it('give a digest that changes with the amount and the salt', () => {
    const content = { caseId: 'c', round: 1, vendorId: 'v', amount: 1000, lotNumber: 7, receivedAt: '2026-06-01T00:00:00.000Z' };
    const d = bidDigest(content, 'salt');
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(bidDigest({ ...content, amount: 1001 }, 'salt')).not.toBe(d);
    expect(bidDigest(content, 'salt2')).not.toBe(d);
  });

  it('check a receipt against the text it was computed from, as a person copies both', () => {
    const content = { caseId: 'c', round: 1, vendorId: 'v', amount: 1000, lotNumber: 7, receivedAt: '2026-06-01T00:00:00.000Z' };
    const receipt = bidDigest(content, 'salt');
    const text = digestInput(content, 'salt');
    expect(checkBidDigest(text, receipt)).toEqual({ computed: receipt, matches: true });
    // pasted with a line break, the receipt typed in capitals
    expect(checkBidDigest(`${text}\n`, ` ${receipt.toUpperCase()} `).matches).toBe(true);
    const altered = checkBidDigest(digestInput({ ...content, amount: 999 }, 'salt'), receipt);
    expect(altered.matches).toBe(false);
    expect(altered.computed).not.toBe(receipt);
  });

  it('derive each bid salt from the digest key and the bid id: another key or another bid gives another salt', () => {
    expect(bidSalt(keys, 'bid-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(bidSalt(keys, 'bid-1')).toBe(bidSalt(keys, 'bid-1'));
    expect(bidSalt(keys, 'bid-2')).not.toBe(bidSalt(keys, 'bid-1'));
    expect(bidSalt(randomKeys(), 'bid-1')).not.toBe(bidSalt(keys, 'bid-1'));
  });
});

describe('derived keys', () => {
  it('are distinct per purpose, fixed for a master key, and never the master key itself', () => {
    const master = randomBytes(32);
    const a = deriveKeys(master);
    const b = deriveKeys(master);
    expect(a.seal.equals(b.seal)).toBe(true);
    expect(a.check).toBe(b.check);
    const all = [a.seal, a.digest, a.audit, a.alias].map((k) => k.toString('hex'));
    expect(new Set([...all, master.toString('hex')]).size).toBe(5);
    expect(deriveKeys(randomBytes(32)).check).not.toBe(a.check);
  });
});
