/** The states of a procurement case (調達案件), in the order a case moves through them. */
export const caseStates = ['draft', 'rfi', 'spec_review', 'open', 'evaluation', 'awarded', 'cancelled'] as const;
export type CaseState = (typeof caseStates)[number];

export const caseStateLabels: Record<CaseState, string> = {
  draft: '準備中',
  rfi: '情報提供依頼（RFI）',
  spec_review: '仕様書意見照会',
  open: '公告中（受付中）',
  evaluation: '審査中',
  awarded: '決定済み',
  cancelled: '中止',
};

// rfi and spec_review may be skipped; nothing goes back
const forward: Record<CaseState, readonly CaseState[]> = {
  draft: ['rfi', 'spec_review', 'open'],
  rfi: ['spec_review', 'open'],
  spec_review: ['open'],
  open: ['evaluation'],
  evaluation: ['awarded'],
  awarded: [],
  cancelled: [],
};

export type Transition = { ok: true; to: CaseState } | { ok: false; reason: string };

/** Whether a case may move from `from` to `to`: forward along the lifecycle, or cancelled before the award. */
export function transition(from: CaseState, to: CaseState): Transition {
  if (to === 'cancelled') {
    if (from === 'awarded' || from === 'cancelled') {
      return { ok: false, reason: `「${caseStateLabels[from]}」の案件は中止できません。` };
    }
    return { ok: true, to };
  }
  if (forward[from].includes(to)) return { ok: true, to };
  return { ok: false, reason: `「${caseStateLabels[from]}」から「${caseStateLabels[to]}」へは移行できません。` };
}

/** The states the case may move to next (for the buttons on the case page). */
export const nextStates = (from: CaseState): CaseState[] => [
  ...forward[from],
  ...(from === 'awarded' || from === 'cancelled' ? [] : (['cancelled'] as const)),
];

/** A member joining once the case is published (公告) or later joins late (後乗り). */
export const isLateJoin = (state: CaseState): boolean => state === 'open' || state === 'evaluation' || state === 'awarded';
