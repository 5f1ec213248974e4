import { isOnTime } from './deadline.ts';
import type { CaseState } from './lifecycle.ts';

/** The states in which a case is before vendors and takes questions (質問受付): RFI, 意見照会, 公告中. */
const questionStates: readonly CaseState[] = ['rfi', 'spec_review', 'open'];

/** Why a question arriving at `at` is refused, or null when it is taken. */
export type QuestionRefusal = 'not_published' | 'no_deadline' | 'late';

/**
 * Whether a case takes a question at `at`: only while it is published and not yet being evaluated, and
 * only until its 質問受付期限 (the deadline instant itself still counts). No deadline set: none taken.
 */
export function questionRefusal(state: CaseState, deadline: Date | null | undefined, at: Date): QuestionRefusal | null {
  if (!questionStates.includes(state)) return 'not_published';
  if (deadline === null || deadline === undefined) return 'no_deadline';
  return isOnTime(at, deadline) ? null : 'late';
}

/** 質問番号: per case, in order of arrival, never reused (a question not published leaves its number unused). */
export const nextQuestionSeq = (last: number | null | undefined): number => (last ?? 0) + 1;

type QuestionStatus = 'pending' | 'answered' | 'published';

/** 未回答, 回答済み（未公表）, or 公表済み. */
export function questionStatus(q: { answer: string | null; publishedAt: Date | null }): QuestionStatus {
  if (q.publishedAt !== null) return 'published';
  return q.answer === null ? 'pending' : 'answered';
}

export const questionStatusLabels: Record<QuestionStatus, string> = {
  pending: '未回答',
  answered: '回答済み（未公表）',
  published: '公表済み',
};

/** The question as everyone reads it: the secretariat's wording for publication, else as asked. */
export const publishedWording = (q: { text: string; publishedText: string | null }): string => q.publishedText ?? q.text;

/** The questions the next publication publishes: answered and not (or no longer) published, in number order. */
export function toPublish<Q extends { seq: number; answer: string | null; publishedAt: Date | null }>(questions: readonly Q[]): Q[] {
  return questions.filter((q) => q.answer !== null && q.publishedAt === null).sort((a, b) => a.seq - b.seq);
}

export interface AnswerEdit {
  answer: string;
  /** the wording for publication: undefined keeps the current one, '' (or the question as asked) publishes it as asked */
  publishedText?: string | undefined;
}

/**
 * The secretariat's answer applied to a question: the answer, the wording it is published in (null
 * when as asked), and whether a published answer changed, so that it must be published again (it leaves
 * the published list until then, and the next publication issues a new version of the 質問回答書).
 */
export function applyAnswer(
  current: { text: string; publishedText: string | null; answer: string | null; publishedAt: Date | null },
  edit: AnswerEdit,
): { answer: string; publishedText: string | null; changed: boolean; unpublish: boolean } {
  const typed = edit.publishedText === undefined ? current.publishedText : edit.publishedText.trim();
  const publishedText = typed === null || typed === '' || typed === current.text ? null : typed;
  const changed = edit.answer !== current.answer || publishedText !== current.publishedText;
  return { answer: edit.answer, publishedText, changed, unpublish: changed && current.publishedAt !== null };
}
