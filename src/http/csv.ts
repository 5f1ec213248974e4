import { stringify } from 'csv-stringify/sync';
import type { Ctx } from '../context.ts';
import { dateTime } from '../domain/format.ts';
import { attachmentDisposition } from './disposition.ts';

export type Cell = string | number | boolean | Date | null | undefined;

/** A cell that Excel would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe; a time is Japan time. */
export function neutraliseCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  // Japan time as Excel reads a date and time: 2026/12/01 09:00
  if (cell instanceof Date) return dateTime(cell);
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** CSV that opens in Excel: UTF-8 with BOM, CRLF line ends, every cell neutralised. */
export function toExcelCsv(rows: readonly (readonly Cell[])[]): string {
  // with CRLF records csv-stringify leaves a lone CR or LF unquoted: quoted, it stays inside its cell
  return `\uFEFF${stringify(rows.map((row) => row.map(neutraliseCell)), { record_delimiter: 'windows', quoted_match: /[\r\n]/ })}`;
}

export function csvResponse(c: Ctx, filename: string, rows: readonly (readonly Cell[])[]) {
  return c.body(toExcelCsv(rows), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': attachmentDisposition(filename),
    'cache-control': 'no-store',
  });
}
