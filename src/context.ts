import type { Context } from 'hono';
import type { Role } from '../schema/index.ts';
import type { Clock } from './clock.ts';
import type { Database, Db } from './db/client.ts';
import type { Config } from './env.ts';
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
    secureHeadersNonce?: string;
  };
};

export type Ctx = Context<AppEnv>;

export const dbOf = (c: Ctx): Db => c.get('deps').database.db;
export const nowOf = (c: Ctx): Date => c.get('deps').clock.now();
