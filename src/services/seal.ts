import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { secrets } from '../../schema/index.ts';
import type { Db } from '../db/client.ts';
import { canonicalJson } from '../domain/audit-chain.ts';

const KEY_NAME = 'bid_seal_key';

/**
 * The key that seals bid amounts: SEAL_KEY when configured (the key then never touches the database),
 * otherwise one generated once and kept in the database, so every instance on it can open the bids.
 */
export async function sealKey(db: Db, configured: Buffer | undefined): Promise<Buffer> {
  if (configured) return configured;
  const [found] = await db.select().from(secrets).where(eq(secrets.name, KEY_NAME));
  if (found) return Buffer.from(found.value, 'base64');
  await db.insert(secrets).values({ name: KEY_NAME, value: randomBytes(32).toString('base64') }).onConflictDoNothing();
  const [stored] = await db.select().from(secrets).where(eq(secrets.name, KEY_NAME));
  return Buffer.from(stored!.value, 'base64');
}

/** AES-256-GCM over the amount, bound to its case, round and vendor so a sealed value cannot be moved. */
export function sealAmount(key: Buffer, amount: number, binding: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(binding));
  const body = Buffer.concat([cipher.update(String(amount), 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function unsealAmount(key: Buffer, sealed: string, binding: string): number {
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

/** What a receipt's digest is computed over: the bid's canonical JSON, then a colon and the salt. */
export const digestInput = (content: BidContent, salt: string) => `${canonicalJson(content)}:${salt}`;

export const bidDigest = (content: BidContent, salt: string) => createHash('sha256').update(digestInput(content, salt)).digest('hex');
