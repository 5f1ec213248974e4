import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { canonicalJson } from '../domain/audit-chain.ts';
import type { Keys } from '../keys.ts';

/**
 * AES-256-GCM over the amount, bound to its case, round and vendor so a sealed value cannot be moved.
 * The key is derived from SEAL_KEY or the key file, never kept in the database.
 */
export function sealAmount(keys: Keys, amount: number, binding: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, iv);
  cipher.setAAD(Buffer.from(binding));
  const body = Buffer.concat([cipher.update(String(amount), 'utf8'), cipher.final()]);
  return `v2:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function unsealAmount(keys: Keys, sealed: string, binding: string): number {
  // "v1:" amounts were sealed with the master key itself, before keys were derived from it
  const key = sealed.startsWith('v1:') ? keys.legacySeal : keys.seal;
  const raw = Buffer.from(sealed.slice(3), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(binding));
  decipher.setAuthTag(raw.subarray(12, 28));
  const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  return Number(text);
}

export const sealBinding = (caseId: string, round: number, vendorId: string) => `${caseId}:${round}:${vendorId}`;

export interface BidContent {
  caseId: string;
  round: number;
  vendorId: string;
  amount: number | null;
  lotNumber: number;
  receivedAt: string;
}

/**
 * A bid's salt: an HMAC of its id with the digest key, so it is in no database row. Without it the
 * amount is the one unknown in the digest and anyone reading the row could find it by trying amounts;
 * with it that takes the key. The salt is shown to the vendor with the opened amount.
 */
export const bidSalt = (keys: Keys, bidId: string) => createHmac('sha256', keys.digest).update(`bid-salt\n${bidId}`).digest('hex').slice(0, 32);

/** What a receipt's digest is computed over: the bid's canonical JSON, then a colon and the salt. */
export const digestInput = (content: BidContent, salt: string) => `${canonicalJson(content)}:${salt}`;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** SHA-256 of the digest input: anyone holding the opened bid and its salt can recompute it. */
export const bidDigest = (content: BidContent, salt: string) => sha256Hex(digestInput(content, salt));

/** Whether `digest` (from a receipt) is the SHA-256 of `input` (the opened bid's text, as copied), and what that hash is. */
export function checkBidDigest(input: string, digest: string) {
  const computed = sha256Hex(input.trim());
  return { computed, matches: computed === digest.trim().toLowerCase() };
}
