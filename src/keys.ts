import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { secrets } from '../schema/index.ts';
import { appendAudit } from './db/audit.ts';
import { type Database, transaction } from './db/client.ts';
import { ConfigError } from './env.ts';

/**
 * The application's keys, all derived from one master key that is never stored in the database:
 * whoever can read or write the database still cannot open a sealed amount, recover one from its
 * receipt digest, unmask an anonymised proposal or forge an audit entry.
 */
export interface Keys {
  /** AES-256-GCM key sealing bid amounts until their opening */
  seal: Buffer;
  /** derives each bid's digest salt, revealed only with the opened amount */
  digest: Buffer;
  /** MACs every audit entry at insert and keys the chain's hashes */
  audit: Buffer;
  /** turns a vendor id into an opaque per-evaluation alias for evaluators */
  alias: Buffer;
  /** the key amounts were sealed with before keys were derived ("v1:" seals) */
  legacySeal: Buffer;
  /** a value identifying the master key without revealing it (kept in the database to catch a wrong key) */
  check: string;
}

const derive = (master: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `kyodo-chotatsu/${purpose}`, 32));

export function deriveKeys(master: Buffer, legacySeal: Buffer = master): Keys {
  if (master.length !== 32) throw new Error('the master key must be 32 bytes');
  return {
    seal: derive(master, 'bid-seal'),
    digest: derive(master, 'bid-digest'),
    audit: derive(master, 'audit-mac'),
    alias: derive(master, 'evaluation-alias'),
    legacySeal,
    check: createHmac('sha256', derive(master, 'key-check')).update('key-check').digest('hex'),
  };
}

/** A fresh random key set, for tests and one-off tools. */
export const randomKeys = (): Keys => deriveKeys(randomBytes(32));

/** Where the embedded default keeps its master key: beside the database directory, never inside it. */
export const keyFilePath = (dataDir: string) => join(resolve(dataDir), 'keys', 'master.key');

const LEGACY_KEY_NAME = 'bid_seal_key';
const SYSTEM = { consortiumId: null, actorUserId: null, actorRole: 'system' } as const;
const CHECK_NAME = 'key_check';

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`設定エラー: 鍵ファイル ${path} の内容が32バイトの鍵（base64）ではありません`);
  return key;
}

async function writeKeyFile(path: string, key: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // wx: two processes starting together never overwrite each other's key
  await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
}

/**
 * The keys for this process: from SEAL_KEY, or else from the key file under DATA_DIR (created on first
 * start). A key that earlier versions kept in the database is moved out into the key file. The
 * database remembers only a check value, so an instance started with another key refuses to start
 * instead of sealing bids that the others cannot open.
 */
export async function loadKeys(config: { sealKey: Buffer | undefined; dataDir: string }, database: Database, now: Date): Promise<Keys> {
  const db = database.db;
  // one query on an ordinary start: the check value, and an old key if an earlier version left one
  const held = await db.select().from(secrets).where(inArray(secrets.name, [LEGACY_KEY_NAME, CHECK_NAME]));
  const legacy = held.find((r) => r.name === LEGACY_KEY_NAME);
  const legacyKey = legacy ? Buffer.from(legacy.value, 'base64') : undefined;
  const path = keyFilePath(config.dataDir);
  let master = config.sealKey ?? (await readKeyFile(path));
  let source = config.sealKey ? 'SEAL_KEY' : `鍵ファイル ${path}`;
  if (!master) {
    master = legacyKey ?? randomBytes(32);
    try {
      await writeKeyFile(path, master);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      master = (await readKeyFile(path))!;
    }
    source = `鍵ファイル ${path}`;
  }
  const keys = deriveKeys(master, legacyKey ?? master);
  let stored = held.find((r) => r.name === CHECK_NAME);
  if (!stored) {
    // two instances starting together on a new database: the first check written is the one both compare with
    await transaction(db, async (tx) => {
      const [created] = await tx.insert(secrets).values({ name: CHECK_NAME, value: keys.check }).onConflictDoNothing().returning();
      if (created) await appendAudit(tx, keys.audit, now, { ...SYSTEM, action: 'key.first_use', objectType: 'secret', objectId: CHECK_NAME, details: { source: config.sealKey ? 'SEAL_KEY' : 'key_file' } });
    });
    [stored] = await db.select().from(secrets).where(eq(secrets.name, CHECK_NAME));
  }
  if (!sameText(stored!.value, keys.check)) {
    throw new ConfigError(
      `設定エラー: SEAL_KEY: ${source} の鍵は、このデータベースで使われてきた鍵と一致しません。別の鍵では封印済みの入札を開札できず、監査記録も検証できません。元の鍵を指定してください`,
    );
  }
  // the old key now lives in the key file; while another key is in use the database keeps it for the bids it sealed
  if (legacyKey && master.equals(legacyKey)) {
    await transaction(db, async (tx) => {
      await tx.delete(secrets).where(eq(secrets.name, LEGACY_KEY_NAME));
      await appendAudit(tx, keys.audit, now, { ...SYSTEM, action: 'key.moved_out_of_database', objectType: 'secret', objectId: LEGACY_KEY_NAME, details: { to: 'key_file' } });
    });
  }
  return keys;
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
