/**
 * The order people are listed in: names compared part by part, a number (Arabic, full-width or kanji
 * numerals) by its value, so 「評価委員 二」 comes before 「評価委員 三」 and 「委員10」 after 「委員9」.
 */
const kanjiDigits: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const kanjiUnits: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const numberRun = /[0-9０-９]+|[〇零一二三四五六七八九十百千]+/g;

/** The value of a run of kanji numerals: 三 = 3, 十二 = 12, 二十 = 20, 百五 = 105, 一〇 = 10. */
export function kanjiNumber(run: string): number {
  if (!/[十百千]/.test(run)) return Number([...run].map((ch) => kanjiDigits[ch] ?? 0).join(''));
  let total = 0;
  let digit = 0;
  for (const ch of run) {
    const unit = kanjiUnits[ch];
    if (unit) {
      total += (digit || 1) * unit;
      digit = 0;
    } else digit = digit * 10 + (kanjiDigits[ch] ?? 0);
  }
  return total + digit;
}

type Part = string | number;

function partsOf(name: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of name.normalize('NFKC').matchAll(numberRun)) {
    const text = m[0];
    if (m.index > last) parts.push(name.normalize('NFKC').slice(last, m.index));
    parts.push(/[0-9]/.test(text) ? Number(text) : kanjiNumber(text));
    last = m.index + text.length;
  }
  const rest = name.normalize('NFKC').slice(last);
  if (rest) parts.push(rest);
  return parts;
}

/** Compares two names for listing: numbers by value, text in Japanese collation; then the whole name, so the order is total. */
export function compareNames(a: string, b: string): number {
  const pa = partsOf(a);
  const pb = partsOf(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x - y;
    } else if (typeof x === 'number') return -1;
    else if (typeof y === 'number') return 1;
    else {
      const order = x.localeCompare(y, 'ja');
      if (order !== 0) return order;
    }
  }
  return pa.length - pb.length || a.localeCompare(b, 'ja') || (a < b ? -1 : a > b ? 1 : 0);
}

/** The list sorted by each item's name (a new array). */
export const byName = <T>(list: readonly T[], nameOf: (item: T) => string): T[] => [...list].sort((a, b) => compareNames(nameOf(a), nameOf(b)));
