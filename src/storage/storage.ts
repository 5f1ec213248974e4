import type { Readable } from 'node:stream';

/**
 * Where received files live. Uploads are staged in a local temporary file first (hashed and checked
 * while streaming); `put` then moves that file in under a server-generated key. The local-disk store
 * serves one machine; an object store (S3 and the like) implementing the same three calls serves several.
 */
export interface FileStorage {
  /** Moves the staged file at `stagedPath` into storage under `key`, durably; the staged file is gone after. */
  put(key: string, stagedPath: string): Promise<void>;
  /** The stored bytes as a stream; throws a not-found error for an unknown key. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** A fresh path for staging an upload on local disk. */
  stagingPath(): string;
  /** Removes staged files left by a process that stopped mid-upload; answers how many. */
  sweepStaging(): Promise<number>;
}
