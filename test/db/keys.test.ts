import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secrets } from '../../schema/index.ts';
import type { Database } from '../../src/db/client.ts';
import { ConfigError } from '../../src/env.ts';
import { deriveKeys, keyFilePath, loadKeys } from '../../src/keys.ts';
import { freshDatabase } from '../helpers/database.ts';

const NOW = new Date('2026-04-01T09:00:00+09:00');
let database: Database;
let dataDir: string;

beforeEach(async () => {
  database = await freshDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'wb-keys-'));
});
afterEach(async () => {
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
});

const storedSecrets = async () => database.db.select().from(secrets);

describe('the master key', () => {
  it('is created once in a key file beside the database directory, readable by the owner only, and never stored in the database', async () => {
    const first = await loadKeys({ sealKey: undefined, dataDir }, database, NOW);
    const path = keyFilePath(dataDir);
    expect(path.startsWith(join(dataDir, 'keys'))).toBe(true);
    expect(path).not.toContain(join(dataDir, 'pg'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const master = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    expect(master).toHaveLength(32);
    const again = await loadKeys({ sealKey: undefined, dataDir }, database, NOW);
    expect(again.seal.equals(first.seal)).toBe(true);
    // the database holds a check value, no key and nothing a key can be derived from
    const rows = await storedSecrets();
    expect(rows.map((r) => r.name)).toEqual(['key_check']);
    for (const key of [master, first.seal, first.digest, first.audit, first.alias]) {
      expect(JSON.stringify(rows)).not.toContain(key.toString('base64'));
      expect(JSON.stringify(rows)).not.toContain(key.toString('hex'));
    }
  });

  it('comes from SEAL_KEY when set, and then no key file is written', async () => {
    const sealKey = randomBytes(32);
    const keys = await loadKeys({ sealKey, dataDir }, database, NOW);
    expect(keys.seal.equals(deriveKeys(sealKey).seal)).toBe(true);
    await expect(stat(keyFilePath(dataDir))).rejects.toThrow();
  });

  it('refuses to start with another key than the one the database has been used with', async () => {
    await loadKeys({ sealKey: randomBytes(32), dataDir }, database, NOW);
    const other = loadKeys({ sealKey: randomBytes(32), dataDir }, database, NOW);
    await expect(other).rejects.toBeInstanceOf(ConfigError);
    await expect(other).rejects.toThrow(/SEAL_KEY/);
  });

  it('moves a key that an earlier version kept in the database out into the key file, so amounts sealed with it still open', async () => {
    const legacy = randomBytes(32);
    await database.db.insert(secrets).values({ name: 'bid_seal_key', value: legacy.toString('base64') });
    const keys = await loadKeys({ sealKey: undefined, dataDir }, database, NOW);
    expect(keys.legacySeal.equals(legacy)).toBe(true);
    expect(Buffer.from((await readFile(keyFilePath(dataDir), 'utf8')).trim(), 'base64').equals(legacy)).toBe(true);
    expect(await database.db.select().from(secrets).where(eq(secrets.name, 'bid_seal_key'))).toEqual([]);
  });
});
