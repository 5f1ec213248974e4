import { createHash, randomBytes } from 'node:crypto';

/** A 128-bit random session token, as sent to the client. */
export const newSessionToken = (): string => randomBytes(16).toString('base64url');

/** What the database keeps instead of the token. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
