import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../auth/session.ts';
import type { AppEnv } from '../context.ts';
import { declaresBody } from './raw-body.ts';

/**
 * Whether a response leaves part of its request body unread: a refusal before the body (413 for its
 * declared size, a role refused before the upload is read) or in the middle of it (the limit reached,
 * an upload left idle). Served by Node, the socket tells; otherwise a 413 always is.
 */
export function leavesBodyUnread(status: number, bodyDeclared: boolean, incoming: Pick<IncomingMessage, 'readableEnded'> | undefined): boolean {
  if (status === 413) return true;
  return bodyDeclared && incoming !== undefined && !incoming.readableEnded;
}

/**
 * A response sent before its request body was read carries `Connection: close`, and Node closes the
 * connection after it: the rest of the body is never taken for the next request, and a client never
 * sends its next request on a socket the server is about to drop.
 */
export function closeAfterUnreadBody(): MiddlewareHandler<AppEnv> {
  return async function closeIfBodyUnread(c, next) {
    await next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (leavesBodyUnread(c.res.status, declaresBody(c.req.raw), incoming)) c.res.headers.set('connection', 'close');
  };
}

/** Whether a response may be kept by the browser or a proxy: never for a signed-in caller, nor any page. */
export function mustNotStore(r: { path: string; authenticated: boolean; contentType: string | null }): boolean {
  // the stylesheet and scripts are the same for everyone
  if (r.path.startsWith('/assets/')) return false;
  return r.authenticated || /^text\/html\b/i.test(r.contentType ?? '');
}

/**
 * `Cache-Control: no-store` on every response to an authenticated request (a session cookie, a Bearer
 * token, or a login that sets one) and on every page, so that Back after logout shows no one's data.
 */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStoreForSessionsAndPages(c, next) {
    await next();
    const authenticated =
      c.get('user') !== null ||
      c.req.header('authorization') !== undefined ||
      getCookie(c, SESSION_COOKIE) !== undefined ||
      c.res.headers.has('set-cookie');
    if (!mustNotStore({ path: c.req.path, authenticated, contentType: c.res.headers.get('content-type') })) return;
    if (!/\bno-store\b/i.test(c.res.headers.get('cache-control') ?? '')) c.res.headers.set('cache-control', 'no-store');
  };
}
