import type { EraStyle } from './format.ts';

/** Japanese fiscal years (年度): April to March, counted in Japan time. */

const tokyoYearMonth = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric' });

/** The fiscal year a moment falls in, as a calendar day in Japan (1 April 00:00 JST starts a new one). */
export function fiscalYearOf(at: Date): number {
  const parts = tokyoYearMonth.formatToParts(at);
  const year = Number(parts.find((p) => p.type === 'year')!.value);
  const month = Number(parts.find((p) => p.type === 'month')!.value);
  return month >= 4 ? year : year - 1;
}

/**
 * 2027 → "2027年度（令和9年度）", or with 和暦 first "令和9年度（2027年度）"; fiscal 2019 is 令和元年度, as
 * the government styled it.
 */
export function fiscalYearLabel(year: number, first: EraStyle = 'seireki'): string {
  if (year < 2019) return `${year}年度`;
  const era = `令和${year - 2018 === 1 ? '元' : year - 2018}年度`;
  return first === 'wareki' ? `${era}（${year}年度）` : `${year}年度（${era}）`;
}
