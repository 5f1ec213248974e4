import { hasPassed } from './deadline.ts';
import { type CaseMethod, isPriceCompetition } from './methods.ts';

/**
 * What a case needs before it is published (公表): as an RFI (情報提供依頼) or as the notice that opens
 * it for proposals or bids (公告). Two things refuse the publication outright, because a vendor could
 * not act on what is published: a missing spec for the notice (the 仕様書 is what the vendors propose
 * or bid on; an RFI may come before it), and a deadline already past (a date the vendor can no longer
 * meet). The rest — the method's settings and its deadlines — is listed so the secretariat sees what
 * is still missing before confirming, but may follow (a criteria table published later by 変更・追加).
 */

export type PublishTarget = 'rfi' | 'open';

export interface PublicationFacts {
  method: CaseMethod;
  to: PublishTarget;
  now: Date;
  /** the latest spec version, if any */
  specVersion: number | null;
  /** the RFI's number of questions, if an RFI is set */
  rfiQuestions: number | null;
  rfiDeadline: Date | null;
  questionDeadline: Date | null;
  submissionDeadline: Date | null;
  /** the number of evaluation criteria, if criteria are set */
  criteria: number | null;
  /** the first bidding round's deadline and opening, if bidding is set */
  bidding: { deadline: Date; opening: Date } | null;
}

export interface ChecklistItem {
  /** the field or setting it is about, for an API client (details.path) */
  key: 'spec' | 'rfi' | 'rfiDeadline' | 'questionDeadline' | 'submissionDeadline' | 'criteria' | 'bidding' | 'bidDeadline' | 'bidOpening';
  label: string;
  done: boolean;
  /** what is missing or wrong, when not done */
  problem?: string;
  /** whether publication is refused until it is done */
  blocking: boolean;
}

const takesProposals = (method: CaseMethod) => method === 'proposal' || method === 'comprehensive';

/** The checklist for publishing the case as `to`, in the order the case page shows it. */
export function publicationChecklist(f: PublicationFacts): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  const deadline = (key: ChecklistItem['key'], label: string, at: Date | null, required: boolean) => {
    if (at === null) {
      if (required) items.push({ key, label, done: false, problem: `${label}が未設定です`, blocking: false });
      return;
    }
    const past = hasPassed(f.now, at);
    items.push({ key, label, done: !past, blocking: past, ...(past ? { problem: `${label}がすでに過ぎています` } : {}) });
  };
  if (f.to === 'rfi') {
    items.push(
      f.rfiQuestions === null || f.rfiQuestions === 0
        ? { key: 'rfi', label: '情報提供依頼（RFI）の質問', done: false, problem: '情報提供依頼（RFI）の質問が未設定です', blocking: true }
        : { key: 'rfi', label: '情報提供依頼（RFI）の質問', done: true, blocking: true },
    );
    deadline('rfiDeadline', 'RFIの回答期限', f.rfiDeadline, true);
    items.push(
      f.specVersion === null
        ? { key: 'spec', label: '仕様書（案）', done: false, problem: '仕様書（案）は未作成です（公告までに必要です）', blocking: false }
        : { key: 'spec', label: `仕様書（案） 第${f.specVersion}版`, done: true, blocking: false },
    );
    deadline('questionDeadline', '質問受付期限', f.questionDeadline, false);
    deadline('submissionDeadline', '提案書の提出期限', f.submissionDeadline, false);
    return items;
  }
  items.push(
    f.specVersion === null
      ? { key: 'spec', label: '仕様書', done: false, problem: '仕様書がありません', blocking: true }
      : { key: 'spec', label: `仕様書 第${f.specVersion}版`, done: true, blocking: true },
  );
  if (takesProposals(f.method)) {
    items.push(
      f.criteria === null || f.criteria === 0
        ? { key: 'criteria', label: '評価基準', done: false, problem: '評価基準が未設定です', blocking: false }
        : { key: 'criteria', label: `評価基準（${f.criteria}項目）`, done: true, blocking: false },
    );
    deadline('submissionDeadline', f.method === 'comprehensive' ? '技術提案書の提出期限' : '提案書の提出期限', f.submissionDeadline, true);
  }
  if (isPriceCompetition(f.method)) {
    const word = f.method === 'quotation' ? '見積' : '入札';
    if (f.bidding === null) items.push({ key: 'bidding', label: `${word}の設定（締切・開札日時）`, done: false, problem: `${word}の設定（締切・開札日時）が未設定です`, blocking: false });
    else {
      deadline('bidDeadline', `${word}の締切`, f.bidding.deadline, true);
      deadline('bidOpening', '開札日時', f.bidding.opening, true);
    }
  }
  deadline('questionDeadline', '質問受付期限', f.questionDeadline, false);
  return items;
}

/** The items that refuse publication now: what is missing or past, each naming it. */
export const publicationBlockers = (items: readonly ChecklistItem[]): ChecklistItem[] => items.filter((i) => i.blocking && !i.done);

/**
 * A deadline typed into a form or an API call: refused when it is already past, unless it is the one
 * already stored (editing a case after its deadline keeps that deadline as it is). Returns the
 * problem, or null.
 */
export function pastDeadlineProblem(label: string, now: Date, before: Date | null, after: Date | null | undefined): string | null {
  if (after === null || after === undefined) return null;
  if (before !== null && before.getTime() === after.getTime()) return null;
  return hasPassed(now, after) ? `${label}に過去の日時は指定できません（現在より後の日時を入力してください）` : null;
}
