import { getConnInfo } from '@hono/node-server/conninfo';
import type { Ctx } from '../context.ts';

/** The client's address: the connection's, or behind a trusted proxy the one it appended last. */
export function clientAddress(c: Ctx): string {
  if (c.get('deps').config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
