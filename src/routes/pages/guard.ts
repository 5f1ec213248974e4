import type { Ctx, SessionUser } from '../../context.ts';
import { AppError } from '../../errors.ts';

/** The logged-in user of a page; without one the error handler sends the browser to /login. */
export function requirePageUser(c: Ctx): SessionUser {
  const user = c.get('user');
  if (!user) throw new AppError('unauthenticated');
  return user;
}
