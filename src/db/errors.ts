/** The SQLSTATE or driver code of a database error, looking through drizzle's wrapper. */
export function dbErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

// the driver's words for a connection lost or never made, which carry no code
const UNAVAILABLE_MESSAGE = /^Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended unexpectedly/;

/** True when the database could not be reached, as opposed to refusing the statement. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = dbErrorCode(err);
  if (code !== undefined) return UNAVAILABLE.has(code) || code.startsWith('08');
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export const isUniqueViolation = (err: unknown): boolean => dbErrorCode(err) === '23505';
