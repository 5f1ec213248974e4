import { type Ctx, dbOf } from '../context.ts';
import { addendaOf } from './addenda.ts';
import type { CaseRow } from '../db/cases.ts';
import { notFound } from '../errors.ts';
import { ocidOf } from '../ocds/release.ts';
import { awardView, findAward } from './award.ts';
import { findBidding, visiblePrices } from './bidding.ts';
import { caseMethodLabels, contractModeLabels, negotiatedView } from './cases.ts';
import { publishedCases } from './ocds.ts';
import { listParticipation } from './participation.ts';
import { issuedWithAward } from './years.ts';
import { documentTitles, issuedDocumentsOf, publicDocumentKinds, readableByPublic } from './issued-documents.ts';
import { publishedQuestions } from './questions.ts';

/** A case the public may see: published (RFI or notice) in any consortium; anything else is 404. */
export async function publicCase(c: Ctx, id: string): Promise<{ row: CaseRow; consortiumName: string }> {
  const [found] = await publishedCases(dbOf(c), { id });
  if (!found) throw notFound('指定された案件は公開されていません。');
  return found;
}

export function publicSummary(row: CaseRow, consortiumName: string) {
  return {
    id: row.id,
    title: row.title,
    consortium: consortiumName,
    method: row.method,
    methodLabel: caseMethodLabels[row.method],
    // a 随意契約 is published with the item of 第167条の2 第1項 it rests on, and why
    ...negotiatedView(row),
    contractMode: row.contractMode,
    contractModeLabel: contractModeLabels[row.contractMode],
    fiscalYear: row.fiscalYear,
    state: row.state,
    publishedAt: row.publishedAt!.toISOString(),
  };
}

/** The notice and, once decided, the result: only what a resident may read. */
export async function publicDetail(c: Ctx, row: CaseRow, consortiumName: string) {
  const db = dbOf(c);
  const bidding = await findBidding(db, row.id);
  const round = bidding?.rounds.at(-1);
  const award = await findAward(db, row.id);
  // after the award: the bodies it was issued for, as the 決定通知 names them
  const issued = award ? await issuedWithAward(db, row.id) : null;
  const participants = issued ? issued.shares.map((s) => s.memberName) : (await listParticipation(db, row.consortiumId, row.id)).filter((p) => p.participant?.participating).map((p) => p.member.name);
  const base = `/api/public/cases/${row.id}/documents`;
  const issuedDocs = await issuedDocumentsOf(db, row.id);
  return {
    ...publicSummary(row, consortiumName),
    description: row.description,
    rfiDeadline: row.rfiDeadline?.toISOString() ?? null,
    submissionDeadline: row.submissionDeadline?.toISOString() ?? null,
    questionDeadline: row.questionDeadline?.toISOString() ?? null,
    bidding: bidding
      ? {
          deadlineAt: round!.deadlineAt.toISOString(),
          openingAt: round!.openingAt.toISOString(),
          // the reserved prices as the public may see them: published with the result, never between rounds
          ...visiblePrices(row, bidding.config, bidding.rounds, false),
        }
      : null,
    // 変更・追加: every change since publication, with its reason and the before and after
    addenda: await addendaOf(db, row.id),
    participants,
    // what the public may read and has been issued, each with the 文書番号 and SHA-256 of its latest
    // issue, so a downloaded copy can be checked
    documents: publicDocumentKinds
      .filter((kind) => readableByPublic(kind, Boolean(award)))
      .flatMap((kind) => {
        const latest = issuedDocs.filter((d) => d.kind === kind).at(-1);
        return latest ? [{ name: documentTitles[kind], url: `${base}/${kind}.pdf`, number: latest.number, version: latest.version, issuedAt: latest.issuedAt.toISOString(), sha256: latest.sha256 }] : [];
      }),
    // 質問と回答 as published: number, 該当箇所, the published wording and the answer, never who asked
    questions: await publishedQuestions(db, row.id),
    result: award ? awardView(award) : null,
    ocid: ocidOf(c.get('deps').config.ocdsPrefix, row.id),
    ocds: `/api/public/cases/${row.id}/ocds`,
  };
}
