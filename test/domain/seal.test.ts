import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bidDigest, sealAmount, unsealAmount } from '../../src/services/seal.ts';

describe('sealed bid amounts', () => {
  const key = randomBytes(32);

  it('round-trip only with the same key and the same case, round and vendor', () => {
    const sealed = sealAmount(key, 9_876_543, 'case:1:vendor');
    expect(sealed).not.toContain('9876543');
    expect(unsealAmount(key, sealed, 'case:1:vendor')).toBe(9_876_543);
    expect(() => unsealAmount(key, sealed, 'case:1:other-vendor')).toThrow();
    expect(() => unsealAmount(randomBytes(32), sealed, 'case:1:vendor')).toThrow();
  });

  it('seal the same amount differently each time', () => {
    expect(sealAmount(key, 100, 'b')).not.toBe(sealAmount(key, 100, 'b'));
  });

  it('give a digest that changes with the amount and the salt', () => {
    const content = { caseId: 'c', round: 1, vendorId: 'v', amount: 1000, lotNumber: 7, receivedAt: '2026-06-01T00:00:00.000Z' };
    const d = bidDigest(content, 'salt');
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(bidDigest({ ...content, amount: 1001 }, 'salt')).not.toBe(d);
    expect(bidDigest(content, 'salt2')).not.toBe(d);
  });
});
