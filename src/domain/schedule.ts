import { hasPassed } from './deadline.ts';

/**
 * Moving a deadline or an opening time once bids or proposals have arrived (日程の変更). The conditions
 * the vendors bid or proposed under stand: a time may only move later, each move with a stated reason
 * that every vendor of the case is shown; never earlier (a secretariat moving the opening to now, or a
 * proposal deadline into the past to read the proposals early), and a deadline already passed does
 * not move at all (what arrived by it may have been read; reopening it would let one vendor revise
 * after seeing the others). Before anything has arrived the times are ordinary settings.
 */

export type ScheduleField = 'submissionDeadline' | 'bidDeadline' | 'bidOpening';

export const scheduleFieldLabels: Record<ScheduleField, string> = {
  submissionDeadline: '提案書の提出期限',
  bidDeadline: '入札締切',
  bidOpening: '開札日時',
};

export interface ScheduleMove {
  field: ScheduleField;
  /** the bidding round, for bid deadlines and openings */
  round?: number;
  from: Date | null;
  to: Date | null;
}

export type ScheduleDecision =
  | { ok: true; /** the moves that change something */ moves: ScheduleMove[]; /** whether they are to be recorded and shown to vendors */ record: boolean }
  | { ok: false; code: 'schedule_locked' | 'validation_error'; field: ScheduleField | 'reason'; message: string };

const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

/**
 * Decides the requested moves. `locked`: a bid or proposal has arrived for these times. `reason`: the
 * reason given, if any. A request that repeats the current times moves nothing and needs no reason.
 */
export function decideScheduleMoves(requested: readonly ScheduleMove[], context: { now: Date; locked: boolean; reason?: string | undefined }): ScheduleDecision {
  const moves = requested.filter((m) => !sameTime(m.from, m.to));
  if (!context.locked) return { ok: true, moves, record: false };
  for (const m of moves) {
    const label = scheduleFieldLabels[m.field];
    if (m.to === null || (m.from !== null && m.to.getTime() < m.from.getTime())) {
      return { ok: false, code: 'schedule_locked', field: m.field, message: `提案・入札の受付が始まっているため、${label}を早めること（取り消すこと）はできません。延長のみできます。` };
    }
    if (m.field !== 'bidOpening' && hasPassed(context.now, m.from)) {
      return { ok: false, code: 'schedule_locked', field: m.field, message: `${label}を過ぎた後は変更できません。` };
    }
  }
  if (moves.length > 0 && !context.reason?.trim()) {
    return { ok: false, code: 'validation_error', field: 'reason', message: '提案・入札の受付が始まった後に日程を変更するときは、変更理由（reason）を入力してください。' };
  }
  return { ok: true, moves, record: moves.length > 0 };
}
