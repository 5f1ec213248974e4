import { createHash } from 'node:crypto';
import { type WriteStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Ctx } from '../context.ts';
import { HEAD_BYTES, cleanFileName, judgeFile } from '../domain/file-type.ts';
import { AppError } from '../errors.ts';
import type { FileStorage } from '../storage/storage.ts';

export interface StagedUpload {
  stagedPath: string;
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  fields: Record<string, string>;
}

// room for the multipart boundaries and part headers around the file itself
const MULTIPART_OVERHEAD = 64 * 1024;

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} MB` : `${Math.floor(bytes / 1024)} KB`);

/** The request body as a Node stream: the socket itself when served by Node, else the Fetch body. */
function bodyStream(c: Ctx): Readable {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  if (!body) throw new AppError('validation_error', 'ファイルが送信されていません。');
  return Readable.fromWeb(body as never);
}

/**
 * Streams the multipart field `file` into a staging file: hashed (SHA-256) and measured while it flows,
 * its type judged from the first bytes and its name, the size limit enforced as the bytes arrive. Memory
 * stays flat whatever the size. Any failure (too large, wrong type, aborted) removes the staging file.
 */
export function receiveUpload(c: Ctx, storage: FileStorage, maxBytes: number): Promise<StagedUpload> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return Promise.reject(new AppError('unsupported_type', 'ファイルは multipart/form-data（フィールド名 file）で送信してください。'));
  }
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
    return Promise.reject(new AppError('too_large', `ファイルが大きすぎます（上限 ${mib(maxBytes)}）。`, undefined, { connection: 'close' }));
  }
  const source = bodyStream(c);
  const stagedPath = storage.stagingPath();

  return new Promise<StagedUpload>((resolve, reject) => {
    let settled = false;
    let fileStarted = false;
    let fileDone: Omit<StagedUpload, 'stagedPath' | 'fields'> | null = null;
    let formDone = false;
    let staging: WriteStream | null = null;
    let writing: Promise<unknown> = Promise.resolve();
    const fields: Record<string, string> = {};
    let idle: NodeJS.Timeout | undefined;

    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      source.unpipe();
      // discard what the client still sends, so the refusal can be read
      source.resume();
      // stopping the writer ends the copy at once (busboy's own stream would wait for the part to end);
      // the staging file is removed only once nothing can write to it any more
      staging?.destroy(new Error('upload refused'));
      writing
        .catch(() => {})
        // a destroyed file stream may still be opening its file: remove the file once the stream has closed
        .then(() => (staging === null || staging.closed ? undefined : new Promise<void>((done) => staging!.once('close', () => done()))))
        .then(() => rm(stagedPath, { force: true }))
        .finally(() => reject(error));
    };
    const finishIfDone = () => {
      if (settled || !formDone) return;
      if (!fileStarted) return fail(new AppError('validation_error', 'ファイルを選択してください（フィールド名 file）。'));
      if (!fileDone) return;
      settled = true;
      clearTimeout(idle);
      resolve({ stagedPath, fields, ...fileDone });
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        // busboy reports the limit on reaching it, so one byte more lets a file of exactly maxBytes through
        limits: { files: 1, fileSize: maxBytes + 1, fields: 20, fieldSize: 64 * 1024, parts: 40 },
      });
    } catch {
      return reject(new AppError('validation_error', 'マルチパートの形式が正しくありません。'));
    }

    parser.on('file', (field, stream, info) => {
      // a form cut off inside a part is reported by the parser (and so refused); the part's own error
      // must not go unheard, even before its copy starts, or it would stop the process
      stream.on('error', () => {});
      if (field !== 'file' || fileStarted || settled) {
        stream.resume();
        return;
      }
      fileStarted = true;
      const name = cleanFileName(info.filename ?? '');
      const hash = createHash('sha256');
      const head = Buffer.alloc(HEAD_BYTES);
      let headLength = 0;
      let size = 0;
      let verdict: ReturnType<typeof judgeFile> | null = null;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          if (headLength < HEAD_BYTES) {
            headLength += chunk.copy(head, headLength, 0, HEAD_BYTES - headLength);
            if (headLength === HEAD_BYTES) verdict = judgeFile(name, head);
          }
          if (verdict && !verdict.ok) return callback(new AppError('unsupported_type', verdict.reason));
          callback(null, chunk);
        },
      });
      stream.on('limit', () => fail(new AppError('too_large', `ファイルが大きすぎます（上限 ${mib(maxBytes)}）。`, undefined, { connection: 'close' })));
      writing = mkdir(dirname(stagedPath), { recursive: true }).then(() => {
        if (settled) return;
        staging = createWriteStream(stagedPath, { flags: 'wx' });
        return pipeline(stream, meter, staging);
      });
      writing
        .then(() => {
          if (settled) return;
          verdict ??= judgeFile(name, head.subarray(0, headLength));
          if (!verdict.ok) return fail(new AppError('unsupported_type', verdict.reason));
          fileDone = { name, size, sha256: hash.digest('hex'), contentType: verdict.contentType };
          finishIfDone();
        })
        .catch((err: unknown) => fail(err instanceof AppError ? err : new AppError('validation_error', 'ファイルの受信が中断されました。')));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('close', () => {
      formDone = true;
      finishIfDone();
    });
    parser.on('error', () => fail(new AppError('validation_error', 'アップロードのデータが正しくありません（送信が途中で切れた可能性があります）。')));
    source.on('error', () => fail(new AppError('validation_error', 'ファイルの受信が中断されました。')));
    source.on('aborted', () => fail(new AppError('validation_error', 'ファイルの受信が中断されました。')));
    // a connection closed before the body ended is an abort too, whether or not 'aborted' was heard
    source.on('close', () => {
      if (!source.readableEnded) fail(new AppError('validation_error', 'ファイルの受信が中断されました。'));
    });
    // cut off before the handler began to read: nothing more will arrive
    if (source.destroyed) return fail(new AppError('validation_error', 'ファイルの受信が中断されました。'));
    // a client that stops sending would hold its connection and staging file for ever: after `uploadIdleMs`
    // without a byte the upload is ended (408, the connection closed) and its staging file removed
    idle = setTimeout(function endIdleUpload() {
      // paused because the disk is behind, not because the client stopped: keep waiting
      if (source.readableFlowing === false) return idle?.refresh();
      fail(new AppError('upload_timeout', undefined, undefined, { connection: 'close' }));
    }, c.get('deps').config.uploadIdleMs);
    source.on('data', () => {
      if (!settled) idle?.refresh();
    });
    source.once('end', () => clearTimeout(idle));
    source.pipe(parser);
  });
}

/**
 * Puts a staged file's bytes on the disk before the write that records it: storing the file inside that
 * write (local storage syncs it again, then renames it) then finds nothing left to flush, so the
 * transaction holds its database connection (the embedded database's only one) for a rename, not for
 * megabytes of disk writes.
 */
export async function flushStaged(stagedPath: string): Promise<void> {
  const handle = await open(stagedPath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
