import { deleteCookie, setCookie } from 'hono/cookie';
import { dummyPasswordHash, verifyPassword } from '../auth/password.ts';
import { SESSION_COOKIE, requireUser } from '../auth/session.ts';
import { hashToken, newSessionToken } from '../auth/token.ts';
import type { Ctx } from '../context.ts';
import { createSession, endSession } from '../db/sessions.ts';
import { loginThrottleOf } from '../auth/login-throttle.ts';
import { sessionCacheOf } from '../auth/session-cache.ts';
import { waitMinutes } from '../domain/login-throttle.ts';
import { type UserRow, findUserByEmail } from '../db/tenancy.ts';
import { AppError } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { isStorableText } from '../http/text.ts';
import { mutate } from '../http/mutate.ts';

const LOGIN_FAILED = 'メールアドレスまたはパスワードが正しくありません。';

/**
 * Checks the credentials; the same work and the same answer whether or not the account exists.
 * Too many failures for the account or from the address are refused before the password is looked at.
 */
export async function authenticate(c: Ctx, email: string, password: string): Promise<UserRow> {
  const { database, clock } = c.get('deps');
  const throttle = loginThrottleOf(database);
  // checked and counted in one synchronous step, before any await: concurrent attempts cannot all pass the check
  const attempt = throttle.begin(email, clientAddress(c), clock.now().getTime());
  if ('wait' in attempt) {
    c.header('Retry-After', String(Math.ceil(attempt.wait / 1000)));
    throw new AppError('rate_limited', `ログインの失敗が続いたため、一時的にログインを止めています。${waitMinutes(attempt.wait)} 分ほど待ってから再度お試しください。`);
  }
  // an address text cannot hold (a NUL) names no account: the same answer as an unknown one
  const user = isStorableText(email) ? await findUserByEmail(database.db, email.trim()) : undefined;
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || user.disabledAt) throw new AppError('unauthenticated', LOGIN_FAILED);
  throttle.succeeded(attempt);
  return user;
}

/** Starts a fresh session (any session the browser brought is ended first) and sets the cookie. */
export async function startSession(c: Ctx, user: UserRow): Promise<string> {
  const { config } = c.get('deps');
  const token = newSessionToken();
  const previous = c.get('tokenHash');
  await mutate(c, async (tx, audit) => {
    if (previous) {
      await endSession(tx, previous);
      sessionCacheOf(c.get('deps').database).drop(previous);
    }
    await createSession(tx, hashToken(token), user.id, c.get('deps').clock.now(), config.sessionMaxMs);
    await audit({
      consortiumId: user.consortiumId,
      actorUserId: user.id,
      actorRole: user.role,
      action: 'auth.login',
      objectType: 'user',
      objectId: user.id,
    });
  });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: Math.floor(config.sessionMaxMs / 1000),
  });
  return token;
}

export async function finishSession(c: Ctx): Promise<void> {
  const user = requireUser(c);
  const tokenHash = c.get('tokenHash')!;
  await mutate(c, async (tx, audit) => {
    await endSession(tx, tokenHash);
    sessionCacheOf(c.get('deps').database).drop(tokenHash);
    await audit({ action: 'auth.logout', objectType: 'user', objectId: user.id });
  });
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

function isHttps(c: Ctx): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return c.get('deps').config.trustProxy && c.req.header('x-forwarded-proto') === 'https';
}
