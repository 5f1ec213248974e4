import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, ListMultipartUploadsCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Clock } from '../clock.ts';
import { stagingArea } from './local.ts';
import { type FileStorage, assertStorageKey, isStorageKey, missingFile } from './storage.ts';

/** Each part sent to the bucket; with QUEUE_SIZE parts in flight a put holds at most 16 MiB, whatever the file's size. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;
/** A multipart upload still open after this long belongs to a process that stopped mid-put. */
export const STALE_UPLOAD_MS = 60 * 60 * 1000;

export interface S3Settings {
  bucket: string;
  /** the store's address for S3-compatible stores; AWS's own when absent */
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
}

/**
 * A client for the bucket; credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID …, a profile,
 * the instance role) unless `overrides` gives them.
 */
export function s3Client(settings: Omit<S3Settings, 'bucket'>, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    // no CRC checksums beyond those an operation requires: many S3-compatible stores do not understand the
    // aws-chunked trailer the SDK adds by default (some store its framing in the object). The parts are
    // sent as buffers, so SigV4 signs each part's SHA-256 all the same.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

const nameOf = (err: unknown) => (err as { name?: unknown } | null)?.name;

/**
 * Files in an S3 bucket under their key, staged on local disk in `stagingDir` first. A put streams the
 * staged file in parts (multipart upload above PART_SIZE) and leaves no object and no open upload when
 * it fails.
 */
export function s3Storage(options: { client: S3Client; bucket: string; stagingDir: string; clock: Clock }): FileStorage {
  const { client, bucket, clock } = options;
  const staging = stagingArea(options.stagingDir);

  /** Ends an unfinished multipart upload; one already ended (or never begun) is no error. */
  const abortUpload = async (key: string, uploadId: string | undefined) => {
    if (!uploadId) return;
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if (nameOf(err) !== 'NoSuchUpload') throw err;
    }
  };

  /** Open multipart uploads of server-generated keys, begun before `before`. */
  async function staleUploads(before: Date) {
    const stale: { key: string; uploadId: string }[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      for (const u of page.Uploads ?? []) {
        // the bucket may hold other applications' uploads: only this store's keys are touched
        if (u.Key && u.UploadId && isStorageKey(u.Key) && u.Initiated && u.Initiated < before) stale.push({ key: u.Key, uploadId: u.UploadId });
      }
      if (!page.IsTruncated) return stale;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  return {
    async put(key, stagedPath) {
      assertStorageKey(key);
      const { size } = await stat(stagedPath);
      const body = createReadStream(stagedPath);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentLength: size },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
      });
      try {
        await upload.done();
      } catch (err) {
        body.destroy();
        // Upload aborts the multipart upload itself on most failures; this covers the rest. A failure to
        // abort leaves it to the sweep at the next start: the put's own error is the one to report.
        await abortUpload(key, upload.uploadId).catch(() => {});
        throw err;
      }
      await rm(stagedPath, { force: true });
    },
    async get(key) {
      assertStorageKey(key);
      try {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Body as Readable;
      } catch (err) {
        if (nameOf(err) === 'NoSuchKey') throw missingFile(key);
        throw err;
      }
    },
    async delete(key) {
      assertStorageKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    stagingPath() {
      return staging.path();
    },
    async sweepStaging() {
      const staged = await staging.sweep();
      const stale = await staleUploads(new Date(clock.now().getTime() - STALE_UPLOAD_MS));
      for (const { key, uploadId } of stale) await abortUpload(key, uploadId);
      return staged + stale.length;
    },
  };
}
