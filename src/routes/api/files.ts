import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { vendors } from '../../../schema/index.ts';
import { requireConsortiumRole, requireUser } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import { findConsortium } from '../../db/tenancy.ts';
import { findCase } from '../../db/cases.ts';
import type { FileRow } from '../../db/files.ts';
import { fileView, vendorFiles } from '../../db/files.ts';
import { evaluatedVendors, findEvaluation, shownFileName } from '../../services/evaluation.ts';
import { attachmentDisposition, withoutExtension } from '../../http/disposition.ts';
import { notFound } from '../../errors.ts';
import { loadReadableFile, vendorReceipts } from '../../services/vendor-files.ts';

async function readable(c: Ctx, roles?: string[]) {
  const user = requireUser(c);
  // a receipt names the vendor, so it is for the vendor and the secretariat only
  if (roles && !roles.includes(user.role)) throw notFound('指定されたファイルが見つかりません。');
  return loadReadableFile(c, user, c.req.param('id')!, (caseId) => findCase(dbOf(c), user.consortiumId ?? '', caseId));
}

export async function receiptOf(c: Ctx, file: FileRow, caseTitle: string) {
  const [vendor] = await dbOf(c).select({ name: vendors.name }).from(vendors).where(eq(vendors.id, file.vendorId));
  return { ...fileView(file), fileId: file.id, purpose: file.purpose, caseId: file.caseId, caseTitle, vendorId: file.vendorId, vendorName: vendor?.name ?? '' };
}

const receiptReaders = ['vendor', 'secretariat'];

/** The file name the caller may see: an evaluator of an anonymised evaluation sees the vendor's letter. */
async function nameForReader(c: Ctx, file: FileRow): Promise<string> {
  if (c.get('user')?.role !== 'evaluator') return file.name;
  const db = dbOf(c);
  const found = await findEvaluation(db, file.caseId);
  if (!found?.row.anonymize) return file.name;
  const vendor = (await evaluatedVendors(db, file.caseId)).find((v) => v.vendorId === file.vendorId)!;
  const siblings = await vendorFiles(db, file.caseId, file.vendorId, 'proposal');
  return shownFileName(file.name, vendor, siblings.findIndex((f) => f.id === file.id), true);
}

export const fileRoutes = new Hono<AppEnv>()
  .get('/files/:id', async (c) => {
    const { file } = await readable(c);
    const name = await nameForReader(c, file);
    const stream = await c.get('deps').storage.get(file.storageKey);
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, {
      'content-type': file.contentType,
      'content-length': String(file.size),
      'content-disposition': attachmentDisposition(name),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  })
  .get('/files/:id/receipt', async (c) => {
    const { file, row } = await readable(c, receiptReaders);
    return c.json({ receipt: await receiptOf(c, file, row.title) });
  })
  .get('/files/:id/receipt.pdf', async (c) => {
    const { file, row } = await readable(c, receiptReaders);
    const receipt = await receiptOf(c, file, row.title);
    const consortium = await findConsortium(dbOf(c), file.consortiumId);
    // the PDF layer (pdf-lib, fontkit) loads on the first document, not at start-up
    const { renderReceipt } = await import('../../documents/receipt.ts');
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
      'content-disposition': attachmentDisposition(`受付票_${withoutExtension(file.name)}.pdf`),
      'cache-control': 'private, no-store',
    });
  })
  .get('/receipts', async (c) => {
    const user = requireConsortiumRole(c, 'vendor');
    return c.json({ receipts: await vendorReceipts(dbOf(c), user.consortiumId, user.vendorId!) });
  });
