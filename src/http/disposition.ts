import { shortenName } from '../domain/file-type.ts';

/** The longest name a download carries, in characters (code points); its extension is always kept. */
export const MAX_DOWNLOAD_NAME = 180;

/**
 * `Content-Disposition: attachment` with an ASCII fallback and the real (Japanese) name per RFC 5987;
 * path separators and control characters never reach the header, and whatever the name (a long title
 * ending in an emoji, a lone surrogate) the header is built without throwing.
 */
export function attachmentDisposition(filename: string): string {
  const safe = shortenName(filename.replace(/[\\/\x00-\x1f\x7f"]/g, '_').replace(/^\.+/, '_'), MAX_DOWNLOAD_NAME) || 'download';
  const ascii = safe.replace(/[^\x20-\x7e]/gu, '_').replace(/[%;]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A stored file's name without its extension, to name a document about that file (受付票_提案書.pdf). */
export function withoutExtension(name: string): string {
  const stem = name.replace(/\.[A-Za-z0-9]{1,8}$/, '');
  return stem === '' ? name : stem;
}
