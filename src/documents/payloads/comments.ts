import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { commentsOf, currentSpec } from '../../services/spec.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, caseInfo, cellDate, issuerOf } from './common.ts';

/** What the 反映 column says: reflected, not reflected, or not answered yet (never mistaken for 反映なし). */
const reflectedMark = (c: { response: string | null; reflected: boolean | null }) => (c.response === null ? '未回答' : c.reflected ? '○' : '—');

/**
 * The comment-response table (意見対応表): every member's comment under the version of the spec it was
 * made on (a comment on 第1版 stays under 第1版 once 第2版 exists), with its 受付日, 該当箇所, the
 * answer and its 回答日. A comment not answered yet makes the table a draft (案), which is never issued;
 * without any comment there is no table (count 0: the routes answer 409).
 */
export async function commentResponsesPayload(db: Db, row: CaseRow, ctx: DocumentContext, anonymizeMembers: boolean): Promise<BuiltDocument | null> {
  const comments = await commentsOf(db, row.id);
  // with no comment there is no table to make (the download answers 409)
  if (comments.length === 0) return null;
  const letters = new Map<string, string>();
  const memberLabel = (id: string, real: string) => {
    if (!anonymizeMembers) return real;
    if (!letters.has(id)) letters.set(id, `団体${String.fromCharCode(65 + (letters.size % 26))}${letters.size >= 26 ? Math.floor(letters.size / 26) : ''}`);
    return letters.get(id)!;
  };
  const spec = await currentSpec(db, row.id);
  const numbered = comments.map((c, i) => ({ ...c, no: i + 1 }));
  const versions = [...new Set(numbered.map((c) => c.comment.version))].sort((a, b) => a - b);
  const tables: Record<string, TableSpec> = {};
  const groups = versions.map((version) => {
    const list = numbered.filter((c) => c.comment.version === version);
    const table = `comments${version}`;
    tables[table] = {
      columns: [
        { header: 'No.', width: { fraction: 0.05 }, align: 'right' },
        { header: '該当箇所', width: { fraction: 0.12 } },
        { header: '意見' },
        { header: '団体', width: { fraction: 0.11 } },
        { header: '受付日', width: { fraction: 0.09 }, align: 'center' },
        { header: '回答' },
        { header: '回答日', width: { fraction: 0.09 }, align: 'center' },
        { header: '反映', width: { fraction: 0.08 }, align: 'center' },
      ],
      rows: list.map(({ comment: c, memberName, no }) => [
        String(no),
        c.section,
        c.text,
        memberLabel(c.memberId, memberName),
        cellDate(ctx, c.createdAt),
        c.response ?? '',
        cellDate(ctx, c.respondedAt),
        reflectedMark(c),
      ]),
    };
    return { version, label: `仕様書（案）第${version}版に対する意見`, count: list.length, table };
  });
  const unanswered = comments.filter((c) => c.comment.response === null).length;
  return {
    draft: unanswered > 0,
    payload: {
      case: caseInfo(row, ctx),
      issuer: issuerOf(ctx),
      currentVersion: spec?.version ?? null,
      count: comments.length,
      answered: comments.length - unanswered,
      unanswered,
      hasUnanswered: unanswered > 0,
      anonymized: anonymizeMembers,
      groups,
      tables,
    },
  };
}
