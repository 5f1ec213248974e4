import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveAlias, vendorAlias } from '../../src/domain/alias.ts';
import { randomKeys } from '../../src/keys.ts';

describe('the alias of a vendor in an anonymised evaluation', () => {
  const key = randomKeys().alias;
  const caseId = randomUUID();
  const vendorId = randomUUID();

  it('is short, URL-safe, stable for one case and vendor, and resolves back to the vendor', () => {
    const ref = vendorAlias(key, caseId, vendorId);
    expect(ref).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(vendorAlias(key, caseId, vendorId)).toBe(ref);
    expect(resolveAlias(key, caseId, ref)).toBe(vendorId);
  });

  it('shows nothing of the vendor id, and differs between vendors and between cases', () => {
    const ref = vendorAlias(key, caseId, vendorId);
    const hex = vendorId.replace(/-/g, '');
    for (const form of [vendorId, hex, Buffer.from(hex, 'hex').toString('base64url'), Buffer.from(vendorId).toString('base64url')]) expect(ref).not.toContain(form);
    expect(vendorAlias(key, caseId, randomUUID())).not.toBe(ref);
    expect(vendorAlias(key, randomUUID(), vendorId)).not.toBe(ref);
    expect(vendorAlias(randomKeys().alias, caseId, vendorId)).not.toBe(ref);
  });

  it('resolves to nothing for an alias of another case, another key, a bare vendor id or a tampered alias', () => {
    const ref = vendorAlias(key, caseId, vendorId);
    expect(resolveAlias(key, randomUUID(), ref)).toBeNull();
    expect(resolveAlias(randomKeys().alias, caseId, ref)).toBeNull();
    expect(resolveAlias(key, caseId, vendorId)).toBeNull();
    for (let i = 0; i < ref.length; i++) {
      const flipped = ref.slice(0, i) + (ref[i] === 'A' ? 'B' : 'A') + ref.slice(i + 1);
      expect(resolveAlias(key, caseId, flipped), `character ${i} changed`).toBeNull();
    }
    for (const junk of ['', 'x', 'A'.repeat(43), `${ref}=`, ref.slice(1), `${ref}A`, ref.replace(/./, '+'), '../../etc/passwd', '\u0000'.repeat(43)]) {
      expect(resolveAlias(key, caseId, junk)).toBeNull();
    }
  });

  it('refuses to alias something that is not a vendor id', () => {
    expect(() => vendorAlias(key, caseId, 'not-a-uuid')).toThrow();
  });
});
