/** Which uploads are accepted: PDF, Word, Excel, PowerPoint and ZIP, judged by content and name together. */

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP = [0x50, 0x4b]; // PK, followed by 03 04, 05 06 (empty) or 07 08 (spanned)
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // legacy Office compound file

type Container = 'pdf' | 'zip' | 'cfb';

const byExtension: Record<string, { container: Container; contentType: string }> = {
  pdf: { container: 'pdf', contentType: 'application/pdf' },
  docx: { container: 'zip', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { container: 'zip', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pptx: { container: 'zip', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  zip: { container: 'zip', contentType: 'application/zip' },
  doc: { container: 'cfb', contentType: 'application/msword' },
  xls: { container: 'cfb', contentType: 'application/vnd.ms-excel' },
  ppt: { container: 'cfb', contentType: 'application/vnd.ms-powerpoint' },
};


/** Bytes needed from the start of a file to judge it. */
export const HEAD_BYTES = 8;

const startsWith = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

function containerOf(head: Uint8Array): Container | null {
  if (startsWith(head, PDF)) return 'pdf';
  if (startsWith(head, ZIP) && [0x03, 0x05, 0x07].includes(head[2]!) && [0x04, 0x06, 0x08].includes(head[3]!)) return 'zip';
  if (startsWith(head, CFB)) return 'cfb';
  return null;
}

export type FileVerdict = { ok: true; contentType: string } | { ok: false; reason: string };

export function judgeFile(name: string, head: Uint8Array): FileVerdict {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const expected = byExtension[extension];
  if (!expected) {
    return { ok: false, reason: 'PDF・Word・Excel・PowerPoint・ZIP のファイルのみ受け付けます（拡張子を確認してください）。' };
  }
  const actual = containerOf(head);
  if (actual !== expected.container) {
    return { ok: false, reason: `ファイルの内容が拡張子「.${extension}」の形式と一致しません。` };
  }
  return { ok: true, contentType: expected.contentType };
}

/**
 * A file name safe to keep and show: the last path segment only, NFC, without control or reserved
 * characters, at most 200 characters with its extension kept.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\x00-\x1f\x7f<>:"|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  name = shortenName(name, 200);
  return name || 'file';
}

const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/**
 * `name` in at most `max` code points, its extension (up to 8 letters or digits) kept: cut between
 * characters as a reader sees them, so a surrogate pair (an emoji) or a base letter with its marks is
 * never split. A lone surrogate, which no header or encoder accepts, becomes U+FFFD.
 */
export function shortenName(name: string, max: number): string {
  const whole = name.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (codePoints(whole) <= max) return whole;
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(whole)?.[0] ?? '';
  const stem = whole.slice(0, whole.length - ext.length);
  let budget = Math.max(0, max - ext.length);
  let kept = '';
  for (const { segment } of graphemes.segment(stem)) {
    const size = codePoints(segment);
    if (size > budget) break;
    kept += segment;
    budget -= size;
  }
  return kept + ext;
}

const codePoints = (text: string): number => [...text].length;
