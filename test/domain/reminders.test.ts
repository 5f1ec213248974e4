import { describe, expect, it } from 'vitest';
import { dueReminder } from '../../src/domain/reminders.ts';

const deadline = new Date('2026-12-10T08:00:00Z');
const before = (hours: number) => new Date(deadline.getTime() - hours * 3600_000);

describe('dueReminder', () => {
  it('is nothing more than three days before, and nothing without a deadline', () => {
    expect(dueReminder(before(72 + 0.01), deadline)).toBeNull();
    expect(dueReminder(before(10), null)).toBeNull();
  });
  it('is the 3-day reminder from three days before until the day before', () => {
    expect(dueReminder(before(72), deadline)).toBe(3);
    expect(dueReminder(before(25), deadline)).toBe(3);
  });
  it('is the 1-day reminder in the last day, up to the deadline itself', () => {
    expect(dueReminder(before(24), deadline)).toBe(1);
    expect(dueReminder(before(0.001), deadline)).toBe(1);
  });
  it('is nothing at or after the deadline', () => {
    expect(dueReminder(deadline, deadline)).toBeNull();
    expect(dueReminder(before(-1), deadline)).toBeNull();
  });
});
