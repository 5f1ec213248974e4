import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

/**
 * What the member list and the qualified-vendor list share as files the secretariat keeps in Excel:
 * the decoding, the reading into a header and numbered rows, and the checks of a name and of digits
 * as Excel users type them. Each list's own columns and rules are in its own module.
 */

export interface ImportProblem {
  line: number;
  message: string;
}

/**
 * Decodes a CSV as Excel saves it in Japan: UTF-8 (with or without BOM) or Shift_JIS (CP932).
 * A declared charset wins; otherwise bytes that are not valid UTF-8 are read as CP932.
 */
export function decodeCsv(bytes: Uint8Array, declaredCharset?: string): string {
  const charset = declaredCharset?.toLowerCase();
  if (charset && /^(shift[_-]?jis|sjis|windows-31j|cp932|ms932|x-sjis)$/.test(charset)) {
    return iconv.decode(Buffer.from(bytes), 'cp932');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'cp932');
  }
}

export interface CsvTable {
  /** the header row, each title trimmed */
  header: string[];
  /** the data rows with the file line each ends on */
  rows: { record: string[]; line: number }[];
}

/** Reads a header row and data rows; a file that is not CSV, or is empty, is a problem on its line. */
export function readCsvTable(text: string): CsvTable | { problems: ImportProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }) as never;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { problems: [{ line, message: `CSVとして読み取れません（${(err as Error).message}）` }] };
  }
  if (records.length === 0) return { problems: [{ line: 1, message: 'ファイルが空です' }] };
  const [headerRecord, ...rows] = records;
  return { header: headerRecord!.record.map((h) => h.trim()), rows: rows.map(({ record, info }) => ({ record, line: info.lines })) };
}

/** A row whose column count differs from the header's, said as the row's problem; null when it matches. */
export const columnCountProblem = (record: readonly string[], header: readonly string[]): string | null =>
  record.length === header.length ? null : `列の数が見出し（${header.length}列）と合いません（${record.length}列）`;

/** Full-width digits (as a Japanese IME types them) as ASCII digits. */
export const asciiDigits = (raw: string): string => raw.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

const MAX_NAME = 200;

/** What is wrong with a name cell (`label`: 団体名, 商号 …), or null when it can be stored. */
export function nameProblem(name: string, label: string): string | null {
  if (name === '') return `${label}が空です`;
  if (name.length > MAX_NAME) return `${label}が長すぎます（${MAX_NAME}文字まで）`;
  // a NUL (often a UTF-16 file read as bytes) cannot be stored in a name
  if (name.includes('\u0000')) return `${label}に使用できない文字（NUL）が含まれています`;
  return null;
}
