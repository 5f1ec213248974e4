import { createHash, randomBytes } from 'node:crypto';

/** A multipart/form-data body with one file part, built in memory (for small files). */
export function multipartBody(filename: string, content: Uint8Array, fieldName = 'file', contentType = 'application/octet-stream') {
  const boundary = `----wbtest${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: new Uint8Array(Buffer.concat([head, content, tail])), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Bytes that start like a PDF, `size` long in all. */
export function pdfBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(Buffer.from('%PDF-1.7\n'));
  for (let i = 9; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
  return bytes;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A streamed multipart body for a large PDF-like file: the parts are generated chunk by chunk, never
 * held whole, and the SHA-256 of the file part is computed as it is produced.
 */
export function streamedPdfUpload(filename: string, size: number, chunkSize = 1024 * 1024) {
  const boundary = `----wbtest${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(chunkSize);
  for (let i = 0; i < chunkSize; i++) chunk[i] = (i * 131 + 17) % 256;
  const first = Buffer.from('%PDF-1.7\n');
  async function* parts() {
    yield head;
    let sent = 0;
    while (sent < size) {
      const n = Math.min(chunkSize, size - sent);
      const piece = sent === 0 ? Buffer.concat([first, chunk.subarray(first.length, n)]) : chunk.subarray(0, n);
      hash.update(piece);
      sent += n;
      yield piece;
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + size + tail.length,
    parts,
    digest: () => hash.digest('hex'),
  };
}
