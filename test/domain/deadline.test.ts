import { describe, expect, it } from 'vitest';
import { hasPassed, isOnTime, submissionRefusal } from '../../src/domain/deadline.ts';

const deadline = new Date('2026-06-30T17:00:00.000+09:00');

describe('deadlines', () => {
  it('accept up to and including the deadline instant, and nothing a millisecond later', () => {
    expect(isOnTime(new Date(deadline.getTime() - 1), deadline)).toBe(true);
    expect(isOnTime(deadline, deadline)).toBe(true);
    expect(isOnTime(new Date(deadline.getTime() + 1), deadline)).toBe(false);
  });
  it('accept nothing without a deadline', () => {
    expect(isOnTime(deadline, null)).toBe(false);
  });
  it('have passed only after the deadline instant', () => {
    expect(hasPassed(deadline, deadline)).toBe(false);
    expect(hasPassed(new Date(deadline.getTime() + 1), deadline)).toBe(true);
    expect(hasPassed(deadline, undefined)).toBe(false);
  });
  it('tell a submission before any deadline is set from one that is late', () => {
    expect(submissionRefusal(deadline, null)).toBe('no_deadline');
    expect(submissionRefusal(deadline, deadline)).toBeNull();
    expect(submissionRefusal(new Date(deadline.getTime() + 1), deadline)).toBe('late');
  });
});
