import type { Context } from 'hono';
import type { Role } from '../schema/index.ts';
import type { Clock } from './clock.ts';
import type { Database, Db } from './db/client.ts';
import type { Config } from './env.ts';
import { type Logger, silentLogger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { Keys } from './keys.ts';
import type { FileStorage } from './storage/storage.ts';

/** What the app needs from the outside world; tests pass their own. */
export interface Deps {
  database: Database;
  clock: Clock;
  config: Config;
  storage: FileStorage;
  /** derived from SEAL_KEY or the key file: never from the database */
  keys: Keys;
  /** the JSON log (none when not given: tests, benchmarks) */
  logger?: Logger;
  /** what /metrics reports (one is made with the app when not given) */
  metrics?: Metrics;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  consortiumId: string | null;
  memberId: string | null;
  vendorId: string | null;
  /** on page views only: the person's unread notifications, counted before the page is drawn (the navigation shows it) */
  unreadNotifications?: number;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    user: SessionUser | null;
    tokenHash: string | null;
    /** this request's id (X-Request-Id, echoed on the answer and written on its log lines) */
    requestId: string;
    secureHeadersNonce?: string;
  };
};

export type Ctx = Context<AppEnv>;

export const dbOf = (c: Ctx): Db => c.get('deps').database.db;
export const nowOf = (c: Ctx): Date => c.get('deps').clock.now();
/** The JSON log, for a line about this request (its id goes with it). */
export const logOf = (c: Ctx): Logger => (c.get('deps').logger ?? silentLogger).child({ reqId: c.get('requestId') });
