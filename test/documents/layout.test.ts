import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HEADER_MIN_SIZE,
  MIN_PARAGRAPH_LINES,
  MIN_SPLIT_ROW_LINES,
  type Measure,
  REPLACEMENT_CHARACTER,
  type TablePagination,
  alignedX,
  baselineInBox,
  breakLines,
  codePoints,
  formatIssueDate,
  formatJapaneseDate,
  formatYen,
  headerFontSize,
  pageLabel,
  paginateTable,
  paragraphChunks,
  paragraphLeadLines,
  replaceUndrawable,
  resolveColumnWidths,
  rotatedTextOrigin,
  rowHeight,
  tableLeadHeight,
  undrawableWarning,
} from '../../src/documents/layout.ts';

// Every character 10 wide, so a 50-wide line holds exactly five.
const monospace: Measure = (text) => Array.from(text).length * 10;
// Half-width ASCII, as in a proportional Japanese font.
const halfWidthAscii: Measure = (text) => Array.from(text).reduce((sum, ch) => sum + (ch.charCodeAt(0) < 0x80 ? 5 : 10), 0);

describe('breakLines', () => {
  it('fills lines greedily up to the exact width', () => {
    expect(breakLines('あいうえおかきくけこさ', 50, monospace)).toEqual(['あいうえお', 'かきくけこ', 'さ']);
    expect(breakLines('あいうえお', 49.99, monospace)).toEqual(['あいうえ', 'お']);
    expect(breakLines('ABCDあいう', 50, halfWidthAscii)).toEqual(['ABCDあいう']);
  });

  it('never starts a line with 。 or 」: the character before goes down with it (追い出し)', () => {
    expect(breakLines('あいうえお。かきく', 50, monospace)).toEqual(['あいうえ', 'お。かきく']);
    expect(breakLines('あいうえお」かき', 50, monospace)).toEqual(['あいうえ', 'お」かき']);
    expect(breakLines('あいうえお、。かき', 50, monospace)).toEqual(['あいうえ', 'お、。かき']);
  });

  it('never starts a line with small kana or ー', () => {
    expect(breakLines('あいうえおっと', 50, monospace)).toEqual(['あいうえ', 'おっと']);
    expect(breakLines('あいうえサーバ', 50, monospace)).toEqual(['あいうえ', 'サーバ']);
  });

  it('never ends a line with 「 or （', () => {
    expect(breakLines('あいうえ「かき」', 50, monospace)).toEqual(['あいうえ', '「かき」']);
    expect(breakLines('あいうえ（注）', 50, monospace)).toEqual(['あいうえ', '（注）']);
  });

  it('breaks Latin text at spaces, not inside words', () => {
    expect(breakLines('hello world again', 80, monospace)).toEqual(['hello', 'world', 'again']);
    expect(breakLines('見積書はPDF形式', 50, monospace)).toEqual(['見積書は', 'PDF形式']);
  });

  it('splits a word longer than a whole line between characters', () => {
    expect(breakLines('abc defghijklmnop qr', 50, monospace)).toEqual(['abc d', 'efghi', 'jklmn', 'op qr']);
    const url = 'https://www.example.lg.jp/procurement/specification.pdf';
    const lines = breakLines(url, 100, monospace);
    expect(lines.join('')).toBe(url);
    expect(lines.every((line) => monospace(line) <= 100)).toBe(true);
  });

  it('keeps hard line breaks and empty lines, and drops spaces at a wrap', () => {
    expect(breakLines('あい\n\nう', 50, monospace)).toEqual(['あい', '', 'う']);
    expect(breakLines('', 50, monospace)).toEqual(['']);
    expect(breakLines('ab  cd', 30, monospace)).toEqual(['ab', 'cd']);
    expect(breakLines('  あ', 50, monospace)).toEqual(['  あ']);
  });

  it('lets a single character wider than the line overflow rather than loop', () => {
    expect(breakLines('あい', 5, monospace)).toEqual(['あ', 'い']);
  });

  it('upholds 禁則 for any text with ordinary break opportunities (property)', () => {
    const segment = fc
      .tuple(
        fc.constantFrom('', '「', '（', '『'),
        fc.array(fc.constantFrom(...'あかさ漢字カナabc1'), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', '」', '）', '』', 'っ', 'ャ', 'ー'),
        fc.constantFrom('', '。', '、', '？'),
      )
      .map(([open, body, close, stop]) => open + body.join('') + close + stop);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 30 }), fc.integer({ min: 8, max: 20 }), (segments, perLine) => {
        const text = segments.join('');
        const maxWidth = perLine * 10;
        const lines = breakLines(text, maxWidth, monospace);
        expect(lines.join('')).toBe(text);
        for (const [i, line] of lines.entries()) {
          expect(monospace(line)).toBeLessThanOrEqual(maxWidth);
          if (i > 0) expect('。、？」）』っャー').not.toContain(line[0]);
          if (i < lines.length - 1) expect('「（『').not.toContain(line[line.length - 1]);
        }
      }),
    );
  });
});

describe('resolveColumnWidths', () => {
  it('takes points as given, fractions of the total, and shares the rest', () => {
    expect(resolveColumnWidths([100, { fraction: 0.25 }, undefined, undefined], 500)).toEqual([100, 125, 137.5, 137.5]);
  });

  it('refuses columns wider than the page or leaving nothing for the rest', () => {
    expect(() => resolveColumnWidths([300, 300], 500)).toThrow(RangeError);
    expect(() => resolveColumnWidths([500, undefined], 500)).toThrow(RangeError);
    expect(() => resolveColumnWidths([0, undefined], 500)).toThrow(RangeError);
  });
});

describe('paginateTable', () => {
  // One-line rows are 10 + 2 × 2 = 14 high; the header 20.
  const base = { lineHeight: 10, paddingY: 2, headerHeight: 20, pageHeight: 200 };
  const rowsOf = (segment: { pieces: readonly { row: number }[] }) => segment.pieces.map((p) => p.row);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  it('fits floor((space − header) / row height) rows per page and repeats the header', () => {
    expect(rowHeight(1, 10, 2)).toBe(14);
    const segments = paginateTable({ ...base, rowLineCounts: Array(20).fill(1), available: 100 });
    // (100 − 20) / 14 → 5 rows here; (200 − 20) / 14 → 12 on a fresh page; 3 left.
    expect(segments.map(rowsOf)).toEqual([range(0, 5), range(5, 17), range(17, 20)]);
    expect(segments.map((s) => s.newPage)).toEqual([false, true, true]);
  });

  it('does not leave the header alone at the foot of a page', () => {
    const segments = paginateTable({ ...base, rowLineCounts: [1, 1], available: 30 });
    expect(segments).toEqual([{ newPage: true, pieces: [{ row: 0, firstLine: 0, lineCount: 1 }, { row: 1, firstLine: 0, lineCount: 1 }] }]);
  });

  it('moves a row that does not fit to the next page whole', () => {
    const segments = paginateTable({ ...base, rowLineCounts: [1, 5], available: 60 });
    expect(segments).toEqual([
      { newPage: false, pieces: [{ row: 0, firstLine: 0, lineCount: 1 }] },
      { newPage: true, pieces: [{ row: 1, firstLine: 0, lineCount: 5 }] },
    ]);
  });

  it('splits only a row taller than a page, by lines, under a repeated header', () => {
    // A fresh 100-high page holds (100 − 20 − 4) / 10 → 7 lines of a row.
    const segments = paginateTable({ ...base, pageHeight: 100, rowLineCounts: [20, 1], available: 100 });
    expect(segments).toEqual([
      { newPage: false, pieces: [{ row: 0, firstLine: 0, lineCount: 7 }] },
      { newPage: true, pieces: [{ row: 0, firstLine: 7, lineCount: 7 }] },
      { newPage: true, pieces: [{ row: 0, firstLine: 14, lineCount: 6 }, { row: 1, firstLine: 0, lineCount: 1 }] },
    ]);
  });

  it(`starts a tall row on a new page when fewer than ${MIN_SPLIT_ROW_LINES} of its lines fit here`, () => {
    const segments = paginateTable({ ...base, pageHeight: 100, rowLineCounts: [20], available: 35 });
    expect(segments[0]).toEqual({ newPage: true, pieces: [{ row: 0, firstLine: 0, lineCount: 7 }] });
  });

  it('draws a header for a table without rows, and refuses a page too small for one line', () => {
    expect(paginateTable({ ...base, rowLineCounts: [], available: 10 })).toEqual([{ newPage: true, pieces: [] }]);
    expect(() => paginateTable({ ...base, pageHeight: 20, rowLineCounts: [3], available: 20 })).toThrow(RangeError);
  });

  it('covers every line once, in order, and never overfills a page (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 30 }),
        (rowLineCounts, available, headerHeight) => {
          const input: TablePagination = { ...base, headerHeight, rowLineCounts, available };
          const segments = paginateTable(input);
          const seen = segments.flatMap((s) => s.pieces.flatMap((p) => range(p.firstLine, p.firstLine + p.lineCount).map((line) => `${p.row}:${line}`)));
          expect(seen).toEqual(rowLineCounts.flatMap((lines, row) => range(0, lines).map((line) => `${row}:${line}`)));
          segments.forEach((segment, i) => {
            const used = headerHeight + segment.pieces.reduce((sum, p) => sum + rowHeight(p.lineCount, 10, 2), 0);
            const space = segment.newPage ? base.pageHeight : available;
            if (i > 0) expect(segment.newPage).toBe(true);
            expect(used).toBeLessThanOrEqual(space + 1e-9);
          });
        },
      ),
    );
  });
});

describe('tableLeadHeight', () => {
  const base = { lineHeight: 10, paddingY: 2, headerHeight: 20, pageHeight: 200 };

  it('is the header and the whole first row, which paginateTable then keeps on the page', () => {
    // header 20 + 4 lines (40 + 2 × 2)
    expect(tableLeadHeight({ ...base, rowLineCounts: [4, 1] })).toBe(64);
    expect(paginateTable({ ...base, rowLineCounts: [4, 1], available: 64 })[0]).toMatchObject({ newPage: false });
    expect(paginateTable({ ...base, rowLineCounts: [4, 1], available: 63 })[0]).toMatchObject({ newPage: true });
  });

  it(`is the header and ${MIN_SPLIT_ROW_LINES} lines for a first row taller than a page, and the header alone without rows`, () => {
    expect(tableLeadHeight({ ...base, rowLineCounts: [40] })).toBe(20 + rowHeight(MIN_SPLIT_ROW_LINES, 10, 2));
    expect(paginateTable({ ...base, rowLineCounts: [40], available: 44 })[0]).toMatchObject({ newPage: false, pieces: [{ row: 0, firstLine: 0, lineCount: 2 }] });
    expect(tableLeadHeight({ ...base, rowLineCounts: [] })).toBe(20);
    expect(tableLeadHeight({ ...base, headerHeight: 0, rowLineCounts: [3] })).toBe(34);
  });
});

describe('paragraphChunks', () => {
  it('keeps a paragraph that fits on the page', () => {
    expect(paragraphChunks(5, 5, 40)).toEqual([5]);
  });

  it('leaves no single line at the head of the next page (widow)', () => {
    // 4 of 5 lines would fit: 3 stay, 2 go.
    expect(paragraphChunks(5, 4, 40)).toEqual([3, 2]);
  });

  it('leaves no single line at the foot of the page (orphan)', () => {
    expect(paragraphChunks(5, 1, 40)).toEqual([0, 5]);
  });

  it('moves a paragraph of 2 or 3 lines whole', () => {
    expect(paragraphChunks(3, 2, 40)).toEqual([0, 3]);
    expect(paragraphChunks(2, 1, 40)).toEqual([0, 2]);
    expect(paragraphLeadLines(3)).toBe(3);
    expect(paragraphLeadLines(4)).toBe(MIN_PARAGRAPH_LINES);
  });

  it('fills whole pages in the middle of a long paragraph, and gives way only on a page too small for the rule', () => {
    expect(paragraphChunks(100, 10, 40)).toEqual([10, 40, 40, 10]);
    expect(paragraphChunks(41, 40, 40)).toEqual([39, 2]);
    expect(paragraphChunks(5, 1, 1)).toEqual([1, 1, 1, 1, 1]);
  });

  it(`covers every line once and leaves at least ${MIN_PARAGRAPH_LINES} lines on each page (property)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: -2, max: 45 }), fc.integer({ min: 4, max: 45 }), (lineCount, fitHere, fitPerPage) => {
        const here = Math.min(fitHere, fitPerPage);
        const chunks = paragraphChunks(lineCount, here, fitPerPage);
        expect(chunks.reduce((a, b) => a + b, 0)).toBe(lineCount);
        expect(chunks[0]).toBeLessThanOrEqual(Math.max(0, here));
        chunks.slice(1).forEach((count) => expect(count).toBeLessThanOrEqual(fitPerPage));
        const drawn = chunks.filter((count, i) => i > 0 || count > 0);
        if (drawn.length > 1) drawn.forEach((count) => expect(count).toBeGreaterThanOrEqual(MIN_PARAGRAPH_LINES));
        if (lineCount < 2 * MIN_PARAGRAPH_LINES) expect(drawn).toEqual([lineCount]);
        // What a heading asks for under it is what the paragraph then puts on that page.
        if (here >= paragraphLeadLines(lineCount)) expect(chunks[0]).toBeGreaterThanOrEqual(paragraphLeadLines(lineCount));
      }),
    );
  });
});

describe('headerFontSize', () => {
  // Every character one em wide, as CJK is.
  const em = (text: string, size: number) => Array.from(text).length * size;

  it('keeps the table size when the header fits', () => {
    expect(headerFontSize('区分', 40, em)).toBe(9);
  });

  it('shrinks, by half points, a header that would wrap into fragments until it fits on one line', () => {
    // 必須区分 at 9pt is 36 wide; in 30 it would break into 「必須区」「分」.
    expect(breakLines('必須区分', 30, (t) => em(t, 9))).toEqual(['必須区', '分']);
    expect(headerFontSize('必須区分', 30, em)).toBe(7.5);
    expect(headerFontSize('必須区分', 28, em)).toBe(HEADER_MIN_SIZE);
  });

  it(`wraps at the size that leaves the longest pieces when even ${HEADER_MIN_SIZE}pt does not fit`, () => {
    // 9pt breaks cleanly before （: 「見積金額」「（税込）」; 7pt would give 「見積金額（税」「込）」.
    expect(headerFontSize('見積金額（税込）', 42, em)).toBe(9);
    // 9pt: 「見積金額」「合計」; 7pt: 「見積金額合」「計」.
    expect(headerFontSize('見積金額合計', 40, em)).toBe(9);
    // 9pt to 8pt: 「住民記」「録シス」「テム」; 7.5pt: 「住民記録」「システム」.
    expect(headerFontSize('住民記録システム', 30, em)).toBe(7.5);
  });

  it('takes each hard line of a header on its own', () => {
    expect(headerFontSize('見積額\n（税込）', 30, em)).toBe(7.5);
  });
});

describe('replaceUndrawable', () => {
  // A font that draws everything but emoji (and draws 葛 with its variation selector).
  const draws = (text: string) => !/\p{Extended_Pictographic}|\u{1F3FD}/u.test(text);

  it('replaces each character the fonts cannot draw by 〓 and names it once', () => {
    expect(replaceUndrawable('了解😀です😀', draws)).toEqual({ text: `了解${REPLACEMENT_CHARACTER}です${REPLACEMENT_CHARACTER}`, replaced: ['😀'] });
  });

  it('replaces a character of several code points by one 〓', () => {
    expect(replaceUndrawable('👍🏽と👨‍👩‍👧', draws)).toEqual({ text: '〓と〓', replaced: ['👍🏽', '👨‍👩‍👧'] });
  });

  it('leaves drawable text, line breaks and variation sequences alone', () => {
    expect(replaceUndrawable('葛\u{E0100}飾区\n以上', draws)).toEqual({ text: '葛\u{E0100}飾区\n以上', replaced: [] });
  });

  it('tells the secretariat which character it was, with its code points', () => {
    expect(codePoints('😀')).toBe('U+1F600');
    expect(codePoints('👍🏽')).toBe('U+1F44D U+1F3FD');
    expect(codePoints('A')).toBe('U+0041');
    expect(undrawableWarning('😀')).toBe('描画できない文字 😀（U+1F600）を〓で置き換えました。');
  });
});

describe('geometry helpers', () => {
  it('centres the em box in the line box', () => {
    // Box 20 high, 10pt text: em box 10 high centred → its top 5 below the box top, baseline 8.8 below that.
    expect(baselineInBox(100, 10, 20)).toBeCloseTo(86.2);
  });

  it('aligns text in a cell', () => {
    expect(alignedX('left', 100, 80, 30, 4)).toBe(104);
    expect(alignedX('right', 100, 80, 30, 4)).toBe(146);
    expect(alignedX('center', 100, 80, 30, 4)).toBe(125);
  });

  it('puts the centre of rotated text on the given point', () => {
    // 20 wide, 10pt: the centre is 10 right of and 3.8 above the origin.
    const flat = rotatedTextOrigin({ x: 100, y: 100 }, 20, 10, 0);
    expect(flat.x).toBeCloseTo(90);
    expect(flat.y).toBeCloseTo(96.2);
    const upright = rotatedTextOrigin({ x: 100, y: 100 }, 20, 10, 90);
    expect(upright.x).toBeCloseTo(103.8);
    expect(upright.y).toBeCloseTo(90);
  });

  it('labels pages "n / N"', () => {
    expect(pageLabel(0, 3)).toBe('1 / 3');
  });
});

describe('formatJapaneseDate', () => {
  it('gives 西暦 and 和暦 for a day in Japan', () => {
    expect(formatJapaneseDate(new Date('2026-04-01T00:00:00+09:00'))).toEqual({
      gregorian: '2026年4月1日',
      era: '令和8年4月1日',
      full: '2026年4月1日（令和8年4月1日）',
      eraFirst: '令和8年4月1日（2026年4月1日）',
    });
  });

  it('prints 和暦 first unless the consortium chose 西暦 first', () => {
    const day = new Date('2026-12-01T09:00:00+09:00');
    expect(formatIssueDate(day)).toBe('令和8年12月1日（2026年12月1日）');
    expect(formatIssueDate(day, 'seireki')).toBe('2026年12月1日（令和8年12月1日）');
  });

  it('writes the first year of an era as 元年, and knows where 平成 ends', () => {
    expect(formatJapaneseDate(new Date('2019-05-01T00:00:00+09:00')).era).toBe('令和元年5月1日');
    expect(formatJapaneseDate(new Date('2019-04-30T23:59:59+09:00')).era).toBe('平成31年4月30日');
  });

  it('uses the Japan date, not the server zone', () => {
    expect(formatJapaneseDate(new Date('2026-03-31T15:00:00Z')).gregorian).toBe('2026年4月1日');
    expect(formatJapaneseDate(new Date('2026-03-31T14:59:59Z')).gregorian).toBe('2026年3月31日');
  });

  it('refuses an invalid date', () => {
    expect(() => formatJapaneseDate(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('formatYen', () => {
  it('writes integer yen with thousands separators', () => {
    expect(formatYen(1234567)).toBe('1,234,567円');
    expect(formatYen(0)).toBe('0円');
    expect(formatYen(-5000)).toBe('-5,000円');
    expect(formatYen(12_345_678_901_234_567_890n)).toBe('12,345,678,901,234,567,890円');
  });

  it('refuses fractions rather than rounding money', () => {
    expect(() => formatYen(1.5)).toThrow(RangeError);
    expect(() => formatYen(Number.NaN)).toThrow(RangeError);
  });
});
