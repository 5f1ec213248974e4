/**
 * `Content-Disposition: attachment` with an ASCII fallback and the real (Japanese) name per RFC 5987;
 * path separators and control characters never reach the header.
 */
export function attachmentDisposition(filename: string): string {
  const safe = filename.replace(/[\\/\x00-\x1f\x7f"]/g, '_').replace(/^\.+/, '_').slice(0, 180) || 'download';
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/[%;]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
