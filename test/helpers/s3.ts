import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** the variables an app process needs to keep its files in this bucket */
  env: Record<string, string>;
  /** every UploadPart received: which key, which part, how many bytes */
  parts: { key: string; partNumber: number; bytes: number }[];
  /** the most UploadPart requests that were open at one moment */
  maxPartsInFlight(): number;
  /** while true, every part after the first is refused (403 AccessDenied), as a bucket refusing mid-upload */
  refuseParts: boolean;
  close(): Promise<void>;
}

const xml = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};
const s3Error = (res: ServerResponse, status: number, code: string, message: string) => xml(res, status, `<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * s3rver, a real S3-protocol server, on a free loopback port in a temporary directory, with one bucket.
 * s3rver 3.7 answers neither ListMultipartUploads (501 NotImplemented) nor AbortMultipartUpload
 * (405 MethodNotAllowed); those two are answered here from s3rver's own record of open uploads (a
 * directory per upload holding its key), so open uploads are listed and ended over the protocol as on S3.
 */
export async function startS3(bucket = 'workbench-files'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'wb-s3-'));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const s3rverRequest = s3rver.callback();
  // where s3rver's file-system store keeps the uploads begun and not yet completed
  const uploadsDir = join(directory, bucket, '._S3rver_uploads');

  const openUploads = async () => {
    const ids = await readdir(uploadsDir).catch(() => [] as string[]);
    return Promise.all(
      ids.map(async (id) => ({ id, key: await readFile(join(uploadsDir, id, 'key'), 'utf8'), initiated: (await stat(join(uploadsDir, id, 'key'))).mtime })),
    );
  };
  const listUploads = async (res: ServerResponse) => {
    const uploads = (await openUploads()).map((u) => `<Upload><Key>${escape(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`);
    xml(res, 200, `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`);
  };
  const abortUpload = async (key: string, uploadId: string, res: ServerResponse) => {
    const upload = (await openUploads()).find((u) => u.id === uploadId && u.key === key);
    if (!upload) return s3Error(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    await rm(join(uploadsDir, upload.id), { recursive: true, force: true });
    res.writeHead(204).end();
  };

  const parts: TestS3['parts'] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const world = { refuseParts: false };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://s3.test');
    const [, inBucket, ...path] = url.pathname.split('/');
    const key = decodeURIComponent(path.join('/'));
    const query = url.searchParams;
    if (inBucket !== bucket) return s3rverRequest(req, res);
    if (req.method === 'GET' && key === '' && query.has('uploads')) return void listUploads(res);
    if (req.method === 'DELETE' && key !== '' && query.has('uploadId')) return void abortUpload(key, query.get('uploadId')!, res);
    if (req.method === 'PUT' && query.has('uploadId') && query.has('partNumber')) {
      const partNumber = Number(query.get('partNumber'));
      if (world.refuseParts && partNumber > 1) {
        // read the part before answering, so the client sees the refusal and not a broken connection
        req.resume();
        return void req.on('end', () => s3Error(res, 403, 'AccessDenied', 'Access Denied'));
      }
      parts.push({ key, partNumber, bytes: Number(req.headers['content-length']) });
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      res.on('close', () => inFlight--);
    }
    s3rverRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

  return {
    endpoint,
    bucket,
    credentials,
    env: {
      STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: '1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    parts,
    maxPartsInFlight: () => maxInFlight,
    get refuseParts() {
      return world.refuseParts;
    },
    set refuseParts(on: boolean) {
      world.refuseParts = on;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
