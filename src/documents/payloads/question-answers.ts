import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { publishedWording, toPublish } from '../../domain/questions.ts';
import { answeredQuestions } from '../../services/questions.ts';
import { type BuiltDocument, type DocumentContext, bodyDateTime, caseInfo } from './common.ts';

/**
 * 質問回答書: every published question in number order with its 該当箇所, its wording as published and
 * the answer; never who asked. An answer not (or no longer) published makes it a draft (案) that shows
 * what the next publication issues; without any answered question there is nothing to draw. The
 * payload holds no publication date, so publishing the same wording again issues no new version.
 */
export async function questionAnswersPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument | null> {
  const answered = await answeredQuestions(db, row.id);
  if (answered.length === 0) return null;
  const waiting = toPublish(answered).length;
  return {
    draft: waiting > 0,
    payload: {
      case: caseInfo(row, ctx),
      questionDeadline: bodyDateTime(ctx, row.questionDeadline),
      count: answered.length,
      waiting,
      hasWaiting: waiting > 0,
      tables: {
        questions: {
          columns: [
            { header: '番号', width: { fraction: 0.07 }, align: 'right' },
            { header: '該当箇所', width: { fraction: 0.15 } },
            { header: '質問' },
            { header: '回答' },
          ],
          rows: answered.map((q) => [String(q.seq), q.section ?? '—', publishedWording(q), q.answer!]),
        },
      },
    },
  };
}
