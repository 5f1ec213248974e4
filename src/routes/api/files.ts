import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { vendors } from '../../../schema/index.ts';
import { requireConsortiumRole, requireUser } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import { renderReceipt } from '../../documents/receipt.ts';
import { findConsortium } from '../../db/tenancy.ts';
import { findCase } from '../../db/cases.ts';
import type { FileRow } from '../../db/files.ts';
import { fileView } from '../../db/files.ts';
import { attachmentDisposition } from '../../http/disposition.ts';
import { loadReadableFile, vendorReceipts } from '../../services/vendor-files.ts';

async function readable(c: Ctx) {
  const user = requireUser(c);
  return loadReadableFile(c, user, c.req.param('id')!, (caseId) => findCase(dbOf(c), user.consortiumId ?? '', caseId));
}

export async function receiptOf(c: Ctx, file: FileRow, caseTitle: string) {
  const [vendor] = await dbOf(c).select({ name: vendors.name }).from(vendors).where(eq(vendors.id, file.vendorId));
  return { ...fileView(file), fileId: file.id, purpose: file.purpose, caseId: file.caseId, caseTitle, vendorId: file.vendorId, vendorName: vendor?.name ?? '' };
}

export const fileRoutes = new Hono<AppEnv>()
  .get('/files/:id', async (c) => {
    const { file } = await readable(c);
    const stream = await c.get('deps').storage.get(file.storageKey);
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, {
      'content-type': file.contentType,
      'content-length': String(file.size),
      'content-disposition': attachmentDisposition(file.name),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  })
  .get('/files/:id/receipt', async (c) => {
    const { file, row } = await readable(c);
    return c.json({ receipt: await receiptOf(c, file, row.title) });
  })
  .get('/files/:id/receipt.pdf', async (c) => {
    const { file, row } = await readable(c);
    const receipt = await receiptOf(c, file, row.title);
    const consortium = await findConsortium(dbOf(c), file.consortiumId);
    const pdf = await renderReceipt({
      consortiumName: consortium?.name ?? '',
      caseTitle: row.title,
      vendorName: receipt.vendorName,
      purpose: file.purpose,
      fileId: file.id,
      fileName: file.name,
      size: file.size,
      sha256: file.sha256,
      receivedAt: file.receivedAt,
      issuedAt: nowOf(c),
    });
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/pdf',
      'content-disposition': attachmentDisposition(`受付票_${file.name}.pdf`),
      'cache-control': 'private, no-store',
    });
  })
  .get('/receipts', async (c) => {
    const user = requireConsortiumRole(c, 'vendor');
    return c.json({ receipts: await vendorReceipts(dbOf(c), user.consortiumId, user.vendorId!) });
  });
