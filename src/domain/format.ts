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

/** Points to two decimals, e.g. "38.83"; whole points without decimals. */
export const points = (n: number): string => (Math.round(n * 100) / 100).toLocaleString('ja-JP', { maximumFractionDigits: 2 });

/** Which calendar a consortium prints first on its documents: 和暦 (the default of public bodies) or 西暦. */
export type EraStyle = 'wareki' | 'seireki';
