import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The alias an evaluator sees for a vendor while the evaluation is anonymised: a deterministic
 * authenticated encryption of the vendor id (SIV-style), bound to the case. The same vendor always has
 * the same alias in one case, so pages, bookmarks and autosaves stay stable; without the key nobody can
 * tell which vendor an alias stands for, nor forge one; an alias of another case resolves to nothing.
 *
 * iv  = HMAC-SHA256(macKey, "alias\n" + caseId + "\n" + vendorId), first 16 bytes (the synthetic IV and the tag)
 * ct  = AES-256-CTR(encKey, iv, the 16 bytes of the vendor's UUID)
 * ref = base64url(iv ‖ ct), 43 characters
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REF = /^[A-Za-z0-9_-]{43}$/;

// the MAC and the cipher each get a key of their own, derived from the alias key
const subkey = (aliasKey: Buffer, purpose: string) => createHmac('sha256', aliasKey).update(purpose).digest();
const syntheticIv = (aliasKey: Buffer, caseId: string, vendorId: string) =>
  createHmac('sha256', subkey(aliasKey, 'alias-mac')).update(`alias\n${caseId}\n${vendorId}`).digest().subarray(0, 16);
const ctr = (aliasKey: Buffer, iv: Buffer, bytes: Buffer) => {
  const cipher = createCipheriv('aes-256-ctr', subkey(aliasKey, 'alias-enc'), iv);
  return Buffer.concat([cipher.update(bytes), cipher.final()]);
};

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidText = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The opaque alias of a vendor (a UUID, as src/ids.ts makes them) in one case's evaluation. */
export function vendorAlias(aliasKey: Buffer, caseId: string, vendorId: string): string {
  if (!UUID.test(vendorId)) throw new Error('a vendor id is a lower-case UUID');
  const iv = syntheticIv(aliasKey, caseId, vendorId);
  return Buffer.concat([iv, ctr(aliasKey, iv, uuidBytes(vendorId))]).toString('base64url');
}

/** The vendor an alias stands for in this case, or null for any other string (another case's alias included). */
export function resolveAlias(aliasKey: Buffer, caseId: string, ref: string): string | null {
  if (!REF.test(ref)) return null;
  const raw = Buffer.from(ref, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== ref) return null;
  const iv = raw.subarray(0, 16);
  const vendorId = uuidText(ctr(aliasKey, iv, raw.subarray(16)));
  return timingSafeEqual(iv, syntheticIv(aliasKey, caseId, vendorId)) ? vendorId : null;
}
