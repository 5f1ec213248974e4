import { perDatabase } from '../db/client.ts';
import { ACCOUNT_RULE, ADDRESS_RULE, REGISTRATION_RULE, type ThrottleRule, recentFailures, waitMs } from '../domain/login-throttle.ts';

const MAX_KEYS = 50_000;

/** An attempt let through: counted already, and taken back only if the password proves right. */
export interface Attempt {
  account: string;
  address: string;
  at: number;
}

/**
 * Failed logins per account and per client address, kept by each instance in memory (behind a load
 * balancer each instance counts its own, so the limits hold per instance). Keyed by the address the
 * user typed, whether or not such an account exists, so the answer tells nothing about accounts.
 *
 * An attempt is counted as a failure the moment it is let through, before its password is hashed, and
 * in the same synchronous step as the check: of 25 simultaneous wrong passwords only five are ever
 * checked, and a right password arriving in a burst waits like the others.
 */
export class LoginThrottle {
  private byAccount = new Map<string, number[]>();
  private byAddress = new Map<string, number[]>();

  /** Lets the attempt through and counts it (answers it), or answers the wait in ms and counts nothing. */
  begin(email: string, address: string, now: number): Attempt | { wait: number } {
    const account = accountKey(email);
    const wait = Math.max(waitMs(this.byAccount.get(account) ?? [], now, ACCOUNT_RULE), waitMs(this.byAddress.get(address) ?? [], now, ADDRESS_RULE));
    if (wait > 0) return { wait };
    record(this.byAccount, account, now, ACCOUNT_RULE);
    record(this.byAddress, address, now, ADDRESS_RULE);
    return { account, address, at: now };
  }

  /** A correct password clears the account's count and takes this attempt off the address's. */
  succeeded(attempt: Attempt): void {
    this.byAccount.delete(attempt.account);
    const times = this.byAddress.get(attempt.address);
    const i = times?.indexOf(attempt.at) ?? -1;
    if (times && i >= 0) times.splice(i, 1);
  }
}

/** Self-registrations per client address: each one counts, successful or not. */
export class RegistrationThrottle {
  private byAddress = new Map<string, number[]>();

  /** Counts the registration and answers 0, or answers the wait in ms and counts nothing. */
  begin(address: string, now: number): number {
    const wait = waitMs(this.byAddress.get(address) ?? [], now, REGISTRATION_RULE);
    if (wait === 0) record(this.byAddress, address, now, REGISTRATION_RULE);
    return wait;
  }
}

const accountKey = (email: string): string => email.trim().toLowerCase();

function record(map: Map<string, number[]>, key: string, now: number, rule: ThrottleRule): void {
  if (map.size >= MAX_KEYS && !map.has(key)) {
    for (const [k, times] of map) if (recentFailures(times, now, rule).length === 0) map.delete(k);
    if (map.size >= MAX_KEYS) map.clear();
  }
  map.set(key, [...recentFailures(map.get(key) ?? [], now, rule), now]);
}

export const loginThrottleOf = perDatabase(() => new LoginThrottle());
export const registrationThrottleOf = perDatabase(() => new RegistrationThrottle());
