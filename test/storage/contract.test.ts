import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, systemClock } from '../../src/clock.ts';
import { newId } from '../../src/ids.ts';
import { localStorage } from '../../src/storage/local.ts';
import { PART_SIZE, QUEUE_SIZE, STALE_UPLOAD_MS, s3Client, s3Storage } from '../../src/storage/s3.ts';
import type { FileStorage } from '../../src/storage/storage.ts';
import { startS3 } from '../helpers/s3.ts';

// The same cases for every FileStorage: local disk, and S3 over the protocol against s3rver.

const MiB = 1024 * 1024;

interface World {
  storage: FileStorage;
  /** makes puts fail midway, as a full disk or a bucket that refuses writes; answers how to undo it */
  refuse(key: string): Promise<() => void>;
  /** uploads begun and neither completed nor ended */
  openUploads(): Promise<number>;
  /** an object store's view of a put: the sizes of the parts it received, and the most at one moment */
  received?(key: string): { parts: number[]; atOnce: number };
  close(): Promise<void>;
}

async function localWorld(): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'wb-store-'));
  return {
    storage: localStorage(root),
    async refuse(key) {
      // a file where the key's directory belongs: the move into place fails
      const blocker = join(root, 'objects', key.slice(0, 2));
      await mkdir(dirname(blocker), { recursive: true });
      await writeFile(blocker, '');
      return () => rm(blocker, { force: true });
    },
    openUploads: async () => 0,
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3World(): Promise<World> {
  const s3 = await startS3();
  const dataDir = await mkdtemp(join(tmpdir(), 'wb-store-s3-'));
  const client = s3Client({ endpoint: s3.endpoint, region: 'ap-northeast-1', forcePathStyle: true }, { credentials: s3.credentials });
  return {
    storage: s3Storage({ client, bucket: s3.bucket, stagingDir: join(dataDir, 'files', 'staging'), clock: systemClock }),
    async refuse() {
      s3.refuseParts = true;
      return () => (s3.refuseParts = false);
    },
    openUploads: async () => ((await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads ?? []).length,
    received: (key) => ({
      parts: s3.parts.filter((p) => p.key === key).sort((a, b) => a.partNumber - b.partNumber).map((p) => p.bytes),
      atOnce: s3.maxPartsInFlight(),
    }),
    async close() {
      client.destroy();
      await s3.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes `bytes` where the store stages uploads, as the upload receiver does. */
async function stage(storage: FileStorage, bytes: Uint8Array): Promise<string> {
  const path = storage.stagingPath();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function sha256Of(stream: Readable): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hex: hash.digest('hex'), size };
}

describe.each([
  { name: 'local disk', start: localWorld },
  { name: 'S3 (s3rver)', start: s3World },
])('file storage on $name', ({ start }) => {
  let world: World;
  let storage: FileStorage;
  beforeAll(async () => {
    world = await start();
    storage = world.storage;
  });
  afterAll(() => world?.close());

  it('gives back the bytes it was given, and the staged file is gone after the put', async () => {
    const bytes = randomBytes(100_000);
    const staged = await stage(storage, bytes);
    const key = newId();
    await storage.put(key, staged);
    expect(existsSync(staged)).toBe(false);
    expect(await sha256Of(await storage.get(key))).toEqual({ hex: sha256(bytes), size: bytes.length });
  });

  it('streams a 20 MB file through, never holding more than a few parts of it', async () => {
    const bytes = randomBytes(20 * MiB);
    const staged = await stage(storage, bytes);
    const key = newId();
    await storage.put(key, staged);
    expect(existsSync(staged)).toBe(false);
    expect(await sha256Of(await storage.get(key))).toEqual({ hex: sha256(bytes), size: bytes.length });
    // local disk moves the file without reading it; an object store gets 8 MiB parts, at most QUEUE_SIZE
    // at a time, so a put holds at most 16 MiB whether the file is 20 MB or 200 MB
    if (world.received) {
      const { parts, atOnce } = world.received(key);
      expect(parts).toEqual([PART_SIZE, PART_SIZE, 20 * MiB - 2 * PART_SIZE]);
      expect(PART_SIZE).toBe(8 * MiB);
      expect(atOnce).toBeLessThanOrEqual(QUEUE_SIZE);
      expect(QUEUE_SIZE * PART_SIZE).toBe(16 * MiB);
    }
  });

  it('throws the not-found error (ENOENT) for an unknown key', async () => {
    await expect(storage.get(newId())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deletes, and deleting an unknown key is no error', async () => {
    const key = newId();
    await storage.put(key, await stage(storage, randomBytes(1000)));
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.delete(key);
  });

  it('refuses keys the server did not make', async () => {
    const staged = await stage(storage, randomBytes(10));
    await expect(storage.put('../../etc/passwd', staged)).rejects.toThrow(/invalid storage key/);
    await expect(storage.get('A/B')).rejects.toThrow(/invalid storage key/);
    await expect(storage.delete('')).rejects.toThrow(/invalid storage key/);
    await rm(staged);
  });

  it('leaves no object and no open upload when a put fails midway', async () => {
    const key = newId();
    // two parts on an object store: the first is taken, the second refused
    const staged = await stage(storage, randomBytes(PART_SIZE + MiB));
    const undo = await world.refuse(key);
    try {
      await expect(storage.put(key, staged)).rejects.toThrow();
    } finally {
      await undo();
    }
    if (world.received) expect(world.received(key).parts).toEqual([PART_SIZE]);
    await expect(storage.get(key)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await world.openUploads()).toBe(0);
    await rm(staged, { force: true });
  });

  it('sweeps the staging files a stopped process left behind', async () => {
    const left = [await stage(storage, randomBytes(10)), await stage(storage, randomBytes(10))];
    expect(await storage.sweepStaging()).toBe(2);
    for (const path of left) expect(existsSync(path)).toBe(false);
  });
});

describe('S3 storage at start', () => {
  it('ends the multipart uploads of its own keys left open for over an hour, and no other', async () => {
    const s3 = await startS3();
    const dataDir = await mkdtemp(join(tmpdir(), 'wb-store-s3-'));
    const client = s3Client({ endpoint: s3.endpoint, region: 'ap-northeast-1', forcePathStyle: true }, { credentials: s3.credentials });
    try {
      const open = async () => ((await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads ?? []).map((u) => u.Key);
      const ours = newId();
      await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: ours }));
      await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: 'other-app/report.csv' }));
      const clock = new FixedClock(new Date());
      const storage = s3Storage({ client, bucket: s3.bucket, stagingDir: join(dataDir, 'staging'), clock });
      // just begun: perhaps another instance's put in progress
      expect(await storage.sweepStaging()).toBe(0);
      expect((await open()).sort()).toEqual([ours, 'other-app/report.csv'].sort());
      clock.advance(STALE_UPLOAD_MS + 60_000);
      expect(await storage.sweepStaging()).toBe(1);
      expect(await open()).toEqual(['other-app/report.csv']);
    } finally {
      client.destroy();
      await s3.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
