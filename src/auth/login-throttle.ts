import { perDatabase } from '../db/client.ts';
import { ACCOUNT_RULE, ADDRESS_RULE, type ThrottleRule, recentFailures, waitMs } from '../domain/login-throttle.ts';

const MAX_KEYS = 50_000;

/**
 * Failed logins per account and per client address, kept by each instance in memory (behind a load
 * balancer each instance counts its own, so the limits hold per instance). Keyed by the address the
 * user typed, whether or not such an account exists, so the answer tells nothing about accounts.
 */
export class LoginThrottle {
  private byAccount = new Map<string, number[]>();
  private byAddress = new Map<string, number[]>();

  /** The longer of the two waits, in ms; 0 when the attempt may go ahead. */
  wait(email: string, address: string, now: number): number {
    return Math.max(waitMs(this.byAccount.get(accountKey(email)) ?? [], now, ACCOUNT_RULE), waitMs(this.byAddress.get(address) ?? [], now, ADDRESS_RULE));
  }

  failed(email: string, address: string, now: number): void {
    record(this.byAccount, accountKey(email), now, ACCOUNT_RULE);
    record(this.byAddress, address, now, ADDRESS_RULE);
  }

  /** A correct password clears the account's count; the address keeps its count. */
  succeeded(email: string): void {
    this.byAccount.delete(accountKey(email));
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
