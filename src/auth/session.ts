import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Role } from '../../schema/index.ts';
import type { AppEnv, Ctx, SessionUser } from '../context.ts';
import { endSession, findSession, touchSession } from '../db/sessions.ts';
import { sessionCacheOf } from './session-cache.ts';
import { AppError } from '../errors.ts';
import { hashToken } from './token.ts';

export const SESSION_COOKIE = 'sid';
// lastSeenAt is written at most this often, so reads stay reads
const TOUCH_INTERVAL_MS = 60_000;

export function tokenFromRequest(c: Ctx): string | undefined {
  const header = c.req.header('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  return getCookie(c, SESSION_COOKIE);
}

/** Resolves the caller from a Bearer token or the session cookie; expired sessions are ended. */
export function sessionLoader(): MiddlewareHandler<AppEnv> {
  return async function loadSession(c, next) {
    c.set('user', null);
    c.set('tokenHash', null);
    const token = tokenFromRequest(c);
    if (token && token.length <= 64) {
      const { database, clock, config } = c.get('deps');
      const tokenHash = hashToken(token);
      const cache = sessionCacheOf(database);
      let found = cache.get(tokenHash);
      if (!found) {
        found = (await findSession(database.db, tokenHash)) ?? undefined;
        if (found) cache.set(tokenHash, found);
      }
      if (found) {
        const now = clock.now().getTime();
        const idle = now - found.lastSeenAt.getTime() > config.sessionIdleMs;
        if (idle || now >= found.expiresAt.getTime()) {
          cache.drop(tokenHash);
          await endSession(database.db, tokenHash);
        } else {
          if (now - found.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
            await touchSession(database.db, tokenHash, new Date(now));
            cache.set(tokenHash, { ...found, lastSeenAt: new Date(now) });
          }
          c.set('user', found.user);
          c.set('tokenHash', tokenHash);
        }
      }
    }
    await next();
  };
}

export function requireUser(c: Ctx): SessionUser {
  const user = c.get('user');
  if (!user) throw new AppError('unauthenticated');
  return user;
}

export function requireRole(c: Ctx, ...roles: Role[]): SessionUser {
  const user = requireUser(c);
  if (!roles.includes(user.role)) throw new AppError('forbidden');
  return user;
}

/** A user of a consortium (everyone but the operator) with one of the given roles. */
export function requireConsortiumRole(c: Ctx, ...roles: Exclude<Role, 'operator'>[]): SessionUser & { consortiumId: string } {
  const user = requireRole(c, ...roles);
  if (!user.consortiumId) throw new AppError('forbidden');
  return user as SessionUser & { consortiumId: string };
}
