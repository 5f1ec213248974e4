import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { commentsOf, currentSpec } from '../../services/spec.ts';
import { type BuiltDocument, type DocumentContext, caseInfo, issuerOf } from './common.ts';

export async function commentResponsesPayload(db: Db, row: CaseRow, ctx: DocumentContext, anonymizeMembers: boolean): Promise<BuiltDocument> {
  const comments = await commentsOf(db, row.id);
  const letters = new Map<string, string>();
  const memberLabel = (id: string, real: string) => {
    if (!anonymizeMembers) return real;
    if (!letters.has(id)) letters.set(id, `団体${String.fromCharCode(65 + (letters.size % 26))}${letters.size >= 26 ? Math.floor(letters.size / 26) : ''}`);
    return letters.get(id)!;
  };
  const spec = await currentSpec(db, row.id);
  return {
        draft: comments.some((c) => !c.comment.response),
    payload: {
      case: caseInfo(row),
      issuer: issuerOf(ctx),
      version: spec?.version ?? null,
      count: comments.length,
      answered: comments.filter((c) => c.comment.response).length,
      tables: {
        comments: {
          columns: [
            { header: 'No.', width: { fraction: 0.06 }, align: 'right' },
            { header: '章', width: { fraction: 0.14 } },
            { header: '意見', width: { fraction: 0.3 } },
            { header: '団体', width: { fraction: 0.12 } },
            { header: '回答' },
            { header: '反映', width: { fraction: 0.07 }, align: 'center' },
          ],
          rows: comments.map((c, i) => [
            String(i + 1),
            c.comment.section,
            c.comment.text,
            memberLabel(c.comment.memberId, c.memberName),
            c.comment.response ?? '（未回答）',
            c.comment.reflected === null ? '—' : c.comment.reflected ? '○' : '—',
          ]),
        },
      },
    },
  };
}
