import { describe, expect, it } from 'vitest';
import { type ScheduleMove, decideScheduleMoves } from '../../src/domain/schedule.ts';

const t = (iso: string) => new Date(`2026-06-${iso}+09:00`);
const now = t('05T10:00:00.000');
const deadline = t('09T17:00:00.000');
const opening = t('10T10:00:00.000');
const moves = (deadlineTo: Date | null, openingTo: Date | null = opening): ScheduleMove[] => [
  { field: 'bidDeadline', round: 1, from: deadline, to: deadlineTo },
  { field: 'bidOpening', round: 1, from: opening, to: openingTo },
];

describe('moving deadlines and openings', () => {
  it('is free before anything has arrived, and nothing is recorded', () => {
    const earlier = decideScheduleMoves(moves(t('06T17:00:00.000'), t('07T10:00:00.000')), { now, locked: false });
    expect(earlier).toEqual({ ok: true, moves: moves(t('06T17:00:00.000'), t('07T10:00:00.000')), record: false });
  });

  it('moves nothing and needs no reason when the times are repeated', () => {
    expect(decideScheduleMoves(moves(new Date(deadline), new Date(opening)), { now, locked: true })).toEqual({ ok: true, moves: [], record: false });
  });

  it('refuses an earlier time once bids or proposals have arrived, even with a reason, to the millisecond', () => {
    const oneMsEarlier = decideScheduleMoves(moves(new Date(deadline.getTime() - 1)), { now, locked: true, reason: '都合により' });
    expect(oneMsEarlier).toMatchObject({ ok: false, code: 'schedule_locked', field: 'bidDeadline' });
    // the opening moved to now, to open at once
    expect(decideScheduleMoves(moves(deadline, now), { now, locked: true, reason: '都合により' })).toMatchObject({ ok: false, code: 'schedule_locked', field: 'bidOpening' });
  });

  it('refuses taking a deadline away once something has arrived', () => {
    expect(decideScheduleMoves([{ field: 'submissionDeadline', from: deadline, to: null }], { now, locked: true, reason: '取消し' })).toMatchObject({ ok: false, code: 'schedule_locked' });
  });

  it('takes a later time only with a reason, and records it', () => {
    const later = moves(t('12T17:00:00.000'), t('15T10:00:00.000'));
    expect(decideScheduleMoves(later, { now, locked: true })).toMatchObject({ ok: false, code: 'validation_error', field: 'reason' });
    expect(decideScheduleMoves(later, { now, locked: true, reason: '   ' })).toMatchObject({ ok: false, code: 'validation_error', field: 'reason' });
    expect(decideScheduleMoves(later, { now, locked: true, reason: '仕様書の訂正に伴う延長' })).toEqual({ ok: true, moves: later, record: true });
    // only the opening moves: the deadline stays
    const openingOnly = decideScheduleMoves(moves(new Date(deadline), t('11T10:00:00.000')), { now, locked: true, reason: '会場の都合' });
    expect(openingOnly).toEqual({ ok: true, moves: [{ field: 'bidOpening', round: 1, from: opening, to: t('11T10:00:00.000') }], record: true });
  });

  it('does not reopen a deadline that has passed (what arrived may have been read), while an opening still waiting may move later', () => {
    const after = t('09T17:00:00.001');
    const proposals: ScheduleMove = { field: 'submissionDeadline', from: deadline, to: t('20T17:00:00.000') };
    expect(decideScheduleMoves([proposals], { now: after, locked: true, reason: '再受付' })).toMatchObject({ ok: false, code: 'schedule_locked', field: 'submissionDeadline' });
    expect(decideScheduleMoves([proposals], { now: deadline, locked: true, reason: '延長' })).toMatchObject({ ok: true, record: true });
    expect(decideScheduleMoves(moves(new Date(deadline), t('11T10:00:00.000')), { now: t('10T10:30:00.000'), locked: true, reason: '開札の延期' })).toMatchObject({ ok: true, record: true });
  });
});
