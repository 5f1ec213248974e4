import { rm } from 'node:fs/promises';
import { followCase } from './follows.ts';
import { and, desc, eq } from 'drizzle-orm';
import { cases, files, rfiResponses } from '../../schema/index.ts';
import { type Ctx, type SessionUser, dbOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import type { CaseRow } from '../db/cases.ts';
import { type FileRow, fileView, findFile } from '../db/files.ts';
import { hasPassed, submissionRefusal } from '../domain/deadline.ts';
import { AppError, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';
import { flushStaged, receiveUpload } from '../uploads/receive.ts';
import { evaluatedVendors, isClearedEvaluator } from './evaluation.ts';

export type FilePurpose = FileRow['purpose'];

/** Refuses a submission that arrives without a deadline set (not yet open) or after it. */
export function assertSubmissionOpen(at: Date, deadline: Date | null, late = '提出期限を過ぎているため受け付けられません。'): void {
  const refusal = submissionRefusal(at, deadline);
  if (refusal === 'no_deadline') throw new AppError('not_yet', '提出期限が設定されていないため、まだ受け付けていません。');
  if (refusal === 'late') throw new AppError('deadline_passed', late);
}

/**
 * Receives one vendor file for a case: refused before a byte is read when the case does not take it
 * now, streamed into staging, checked again against the deadline on arrival, then moved into storage
 * together with its row and audit entry. On any failure nothing remains: no staging file, no stored
 * file, no row.
 */
export async function receiveVendorFile(
  c: Ctx,
  user: SessionUser & { vendorId: string; consortiumId: string },
  row: CaseRow,
  purpose: FilePurpose,
  deadline: Date | null,
  /** checked again inside the write, on the case held until the file is recorded */
  recheck?: (tx: Db) => Promise<unknown>,
): Promise<FileRow> {
  const { storage, config, clock } = c.get('deps');
  assertSubmissionOpen(clock.now(), deadline);
  const staged = await receiveUpload(c, storage, config.maxUploadBytes);
  const key = newId();
  let stored = false;
  try {
    const receivedAt = clock.now();
    await flushStaged(staged.stagedPath);
    // a long upload may finish after the deadline: what counts is when the last byte arrived
    assertSubmissionOpen(receivedAt, deadline, '受信完了が提出期限を過ぎたため受け付けられません。');
    return await mutate(c, async (tx, audit) => {
      await recheck?.(tx);
      const [saved] = await tx
        .insert(files)
        .values({
          id: key,
          consortiumId: user.consortiumId,
          caseId: row.id,
          vendorId: user.vendorId,
          purpose,
          name: staged.name,
          storageKey: key,
          contentType: staged.contentType,
          size: staged.size,
          sha256: staged.sha256,
          receivedAt,
          uploadedBy: user.id,
        })
        .returning();
      await storage.put(key, staged.stagedPath);
      stored = true;
      // the name is the vendor's content, sealed like the file (size and SHA-256 are the evidence)
      await audit({
        action: 'file.receive',
        objectType: 'file',
        objectId: key,
        caseId: row.id,
        details: { purpose, size: staged.size, sha256: staged.sha256, vendorId: user.vendorId },
      });
      await followCase(tx, row.id, user.vendorId, receivedAt);
      return saved!;
    });
  } catch (err) {
    await rm(staged.stagedPath, { force: true });
    if (stored) await storage.delete(key).catch(() => {});
    throw err;
  }
}

async function rfiSubmitted(db: Db, caseId: string, vendorId: string) {
  const [row] = await db
    .select({ status: rfiResponses.status })
    .from(rfiResponses)
    .where(and(eq(rfiResponses.caseId, caseId), eq(rfiResponses.vendorId, vendorId)));
  return row?.status === 'submitted';
}

/**
 * Who may read a received file: the vendor that sent it; the secretariat once the proposal deadline has
 * passed (proposal files) or once the vendor submitted its RFI answer (RFI files); a committee member who
 * declared no conflict, for proposals after the deadline. Everyone else gets 404.
 */
export async function canReadFile(db: Db, user: SessionUser, file: FileRow, row: CaseRow, now: Date): Promise<boolean> {
  if (user.consortiumId !== file.consortiumId) return false;
  switch (user.role) {
    case 'vendor':
      return user.vendorId === file.vendorId;
    case 'secretariat':
      return file.purpose === 'proposal' ? hasPassed(now, row.submissionDeadline) : rfiSubmitted(db, file.caseId, file.vendorId);
    case 'evaluator':
      // a committee member who declared no conflict, for proposals still in the competition
      return (
        file.purpose === 'proposal' &&
        hasPassed(now, row.submissionDeadline) &&
        (await isClearedEvaluator(db, file.caseId, user.id)) &&
        (await evaluatedVendors(db, file.caseId)).some((v) => v.vendorId === file.vendorId)
      );
    default:
      return false;
  }
}

export async function loadReadableFile(c: Ctx, user: SessionUser, fileId: string, loadCaseRow: (caseId: string) => Promise<CaseRow | undefined>) {
  const file = user.consortiumId ? await findFile(dbOf(c), user.consortiumId, fileId) : undefined;
  const row = file ? await loadCaseRow(file.caseId) : undefined;
  if (!file || !row || !(await canReadFile(dbOf(c), user, file, row, c.get('deps').clock.now()))) {
    throw notFound('指定されたファイルが見つかりません。');
  }
  return { file, row };
}

/** Every file a vendor has had received, newest first, with its case: the vendor's receipts (受付票). */
export async function vendorReceipts(db: Db, consortiumId: string, vendorId: string) {
  const rows = await db
    .select({ file: files, caseTitle: cases.title })
    .from(files)
    .innerJoin(cases, eq(cases.id, files.caseId))
    .where(and(eq(files.consortiumId, consortiumId), eq(files.vendorId, vendorId)))
    .orderBy(desc(files.receivedAt));
  return rows.map((r) => ({ ...fileView(r.file), purpose: r.file.purpose, caseId: r.file.caseId, caseTitle: r.caseTitle }));
}
