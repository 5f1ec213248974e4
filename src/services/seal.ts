import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { secrets } from '../../schema/index.ts';
import type { Ctx } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import { perDatabase, transaction } from '../db/client.ts';
import { canonicalJson } from '../domain/audit-chain.ts';

const KEY_NAME = 'bid_seal_key';

const storedKeys = perDatabase(() => ({ key: undefined as Buffer | undefined }));

/**
 * The key that seals bid amounts: SEAL_KEY when configured (the key then never touches the database),
 * otherwise one generated once and kept in the database, so every instance on it can open the bids.
 * Its creation is recorded on the platform's audit chain; once read, an instance keeps it in memory.
 */
export async function sealKey(c: Ctx): Promise<Buffer> {
  const { config, database, clock } = c.get('deps');
  if (config.sealKey) return config.sealKey;
  const held = storedKeys(database);
  if (held.key) return held.key;
  const value = await transaction(database.db, async (tx) => {
    const [created] = await tx.insert(secrets).values({ name: KEY_NAME, value: randomBytes(32).toString('base64') }).onConflictDoNothing().returning();
    if (created) {
      await appendAudit(tx, clock.now(), { consortiumId: null, actorUserId: null, actorRole: null, action: 'secret.create', objectType: 'secret', objectId: KEY_NAME });
      return created.value;
    }
    const [stored] = await tx.select().from(secrets).where(eq(secrets.name, KEY_NAME));
    return stored!.value;
  });
  held.key = Buffer.from(value, 'base64');
  return held.key;
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
