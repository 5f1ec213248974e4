/**
 * Failed-login throttling: after `limit` failures within `windowMs`, further attempts wait until the
 * oldest of those failures leaves the window. Pure: the caller keeps the failure times.
 */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

/** Five wrong passwords for one account, or thirty from one address, in fifteen minutes. */
export const ACCOUNT_RULE: ThrottleRule = { limit: 5, windowMs: 15 * 60_000 };
export const ADDRESS_RULE: ThrottleRule = { limit: 30, windowMs: 15 * 60_000 };
/** Ten vendor self-registrations from one address in an hour. */
export const REGISTRATION_RULE: ThrottleRule = { limit: 10, windowMs: 60 * 60_000 };

/** The failures still inside the window, oldest first. */
export function recentFailures(failures: readonly number[], now: number, rule: ThrottleRule): number[] {
  return failures.filter((at) => at > now - rule.windowMs && at <= now).sort((a, b) => a - b);
}

/** How long (ms) an attempt must still wait; 0 when it may go ahead. */
export function waitMs(failures: readonly number[], now: number, rule: ThrottleRule): number {
  const recent = recentFailures(failures, now, rule);
  if (recent.length < rule.limit) return 0;
  const oldestCounted = recent[recent.length - rule.limit]!;
  return oldestCounted + rule.windowMs - now;
}

/** The wait in whole minutes, rounded up, for the message. */
export const waitMinutes = (ms: number): number => Math.max(1, Math.ceil(ms / 60_000));
