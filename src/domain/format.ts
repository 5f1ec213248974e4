const jst = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** A time in Japan, e.g. "2026/04/01 09:00"; a missing one as "—". */
export const dateTime = (value: Date | string | null | undefined): string => (value ? jst.format(new Date(value)) : '—');

/**
 * The one rounding rule of scores, wherever they are shown (pages, PDFs, CSV): half up (四捨五入) at the
 * third decimal. It rounds the decimal a score reads as, not the binary float: 10.075 (an average of
 * 10.07 and 10.08) is 10.08, where Math.round(10.075 * 100) / 100 gives 10.07.
 */
export function roundPoints(n: number): number {
  if (!Number.isFinite(n)) return n;
  const [digits, exponent = '0'] = String(Math.abs(n)).split('e');
  const hundredths = Math.round(Number(`${digits}e${Number(exponent) + 2}`));
  const rounded = Number(`${hundredths}e-2`);
  return n < 0 && rounded !== 0 ? -rounded : rounded;
}

/** The rounding rule as documents and pages state it. */
export const pointsRule = '点数は小数第3位を四捨五入し、小数第2位までを表示している。合計点及び順位は、端数処理前の点数による。';

/** Points as rounded by roundPoints, e.g. "38.83"; whole points without decimals. */
export const points = (n: number): string => roundPoints(n).toLocaleString('ja-JP', { maximumFractionDigits: 2 });

/** Which calendar a consortium prints first on its documents: 和暦 (the default of public bodies) or 西暦. */
export type EraStyle = 'wareki' | 'seireki';

const jstLong = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  timeZone: 'Asia/Tokyo',
  era: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** A time in Japan as a notice or a letter writes it: "令和8年6月30日(火) 17:00". */
export const longDateTime = (value: Date): string => jstLong.format(value);
