import { reminderDays } from './notices.ts';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Which reminder is due for a deadline at a moment: 3 (days before) from three days before until the
 * day before, then 1 until the deadline; null before the first and once the deadline has passed. A
 * reminder missed while nothing ran is not sent late once the next one is due.
 */
export function dueReminder(now: Date, deadline: Date | null): (typeof reminderDays)[number] | null {
  if (!deadline) return null;
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return null;
  // the smallest window the moment falls in: 1 day before wins over 3
  const due = [...reminderDays].sort((a, b) => a - b).find((days) => left <= days * DAY);
  return due ?? null;
}
