import { type CaseMethod, caseMethodLabels } from './methods.ts';

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

// rfi and spec_review may be skipped; nothing goes back; awarded is reached only by recording the award (awardPath)
const forward: Record<CaseState, readonly CaseState[]> = {
  draft: ['rfi', 'spec_review', 'open'],
  rfi: ['spec_review', 'open'],
  spec_review: ['open'],
  open: ['evaluation'],
  evaluation: [],
  awarded: [],
  cancelled: [],
};

export type Transition = { ok: true; to: CaseState } | { ok: false; reason: string };

/**
 * Whether a case may move from `from` to `to`: forward along the lifecycle, or cancelled before the
 * award. Never to awarded: that state comes with the award record (see awardPath).
 */
export function transition(from: CaseState, to: CaseState): Transition {
  if (to === 'awarded') return { ok: false, reason: '「決定済み」にするには、決定（落札者・契約候補者・契約の相手方）を記録してください。' };
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

export type AwardPath = { ok: true; path: CaseState[] } | { ok: false; reason: string };

// a 随意契約 is decided without a notice or a competition: from any state before the award
const negotiatedAwardFrom: readonly CaseState[] = ['draft', 'rfi', 'spec_review', 'open', 'evaluation'];

/**
 * The states a case passes through, after its current one, when its award is recorded; the last is
 * awarded. A 随意契約 goes there straight from any state before the award (no publication); every other
 * method only after its notice: open → evaluation → awarded, or evaluation → awarded.
 */
export function awardPath(method: CaseMethod, state: CaseState): AwardPath {
  if (method === 'negotiated' && negotiatedAwardFrom.includes(state)) return { ok: true, path: ['awarded'] };
  if (method !== 'negotiated' && state === 'open') return { ok: true, path: ['evaluation', 'awarded'] };
  if (method !== 'negotiated' && state === 'evaluation') return { ok: true, path: ['awarded'] };
  if (state === 'awarded') return { ok: false, reason: 'この案件の決定はすでに記録されています。' };
  return { ok: false, reason: `「${caseStateLabels[state]}」の${caseMethodLabels[method]}の案件には決定を記録できません。` };
}

/** A member joining once the case is published (公告) or later joins late (後乗り). */
export const isLateJoin = (state: CaseState): boolean => state === 'open' || state === 'evaluation' || state === 'awarded';
