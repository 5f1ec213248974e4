const jstIso = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });
const jstDate = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });

export { formatYen as yen } from '../domain/money.ts';
export { dateTime, points } from '../domain/format.ts';

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toLocaleString('ja-JP'));

/** The date in Japan as YYYY-MM-DD, for CSV files (Excel reads it as a date). */
export const isoDate = (value: Date | string): string => jstIso.format(new Date(value));

export const dateOnly = (value: Date | string | null | undefined): string => (value ? jstDate.format(new Date(value)) : '—');

/** The value of an <input type="datetime-local"> for a time, in Japan time. */
export function toLocalInput(value: Date | string | null | undefined): string {
  if (!value) return '';
  const shifted = new Date(new Date(value).getTime() + 9 * 3_600_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * A time typed into a form that showed `stored`: left as shown (to the minute), it is the stored time
 * to the millisecond, so saving the form does not move it; otherwise it is read as fromLocalInput does.
 */
export function keptOrTyped(typed: string, stored: Date | null | undefined): string | null {
  return stored && typed === toLocalInput(stored) ? stored.toISOString() : fromLocalInput(typed);
}

/** An <input type="datetime-local"> value read as Japan time, as ISO 8601 with offset; '' is null. */
export function fromLocalInput(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00.000+09:00` : value;
}
