import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { newId } from '../ids.ts';
import { type FileStorage, assertStorageKey } from './storage.ts';

/** Staging on this machine's disk, whatever the store: fresh paths, and a sweep of what a stopped process left. */
export function stagingArea(dir: string) {
  return {
    path: () => join(dir, `${newId()}.part`),
    async sweep(): Promise<number> {
      await mkdir(dir, { recursive: true });
      const names = await readdir(dir);
      await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
      return names.length;
    },
  };
}

/** Files on local disk under `root`: staged in root/staging, kept in root/objects/<first two>/<key>. */
export function localStorage(root: string): FileStorage {
  const staging = stagingArea(join(root, 'staging'));
  const objects = join(root, 'objects');
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return join(objects, key.slice(0, 2), key);
  };
  let ready: Promise<void> | undefined;
  const ensureDirs = () => (ready ??= mkdir(objects, { recursive: true }).then(() => undefined));

  return {
    async put(key, stagedPath) {
      await ensureDirs();
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const handle = await open(stagedPath, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(stagedPath, target);
      // the rename itself is durable only once the directory entry is on disk
      const dir = await open(dirname(target), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    },
    async get(key) {
      const path = pathOf(key);
      await stat(path);
      return createReadStream(path) as Readable;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    stagingPath() {
      return staging.path();
    },
    async sweepStaging() {
      await ensureDirs();
      return staging.sweep();
    },
  };
}
