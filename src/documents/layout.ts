import {
  type Color,
  PDFDocument,
  type PDFFont,
  PDFName,
  PDFOperator,
  PDFOperatorNames,
  type PDFPage,
  degrees,
  endMarkedContent,
  grayscale,
  lineTo,
  moveTo,
  popGraphicsState,
  pushGraphicsState,
  setLineWidth,
  setStrokingColor,
  stroke,
} from 'pdf-lib';
import type { EraStyle } from '../domain/format.ts';
import { type GlyphOutline, type JapaneseFonts, embedJapaneseFonts, glyphOutline } from './fonts.ts';


/**
 * A small A4 layout engine over pdf-lib for the workbench's documents.
 *
 * Geometry (line breaking, column widths, table pagination, dates, yen) is pure and exported for
 * tests; `PdfDocumentBuilder` only moves a cursor down the page and draws what those helpers decide.
 * Units are PDF points (1 mm ≈ 2.835 pt); y grows upwards from the bottom of the page.
 */

// ── Layout constants ────────────────────────────────────────────────────────────────────────────
export const PRODUCT_NAME = '共同調達 選定ワークベンチ';

export const PAGE_WIDTH = 595.28; // A4 portrait
export const PAGE_HEIGHT = 841.89;
export const MARGIN_TOP = 56.7; // 20 mm
export const MARGIN_BOTTOM = 62.4; // 22 mm: the page number sits inside this margin
export const MARGIN_LEFT = 56.7;
export const MARGIN_RIGHT = 56.7;
export const CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
export const CONTENT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;

const FOOTER_BASELINE = 28.35; // 10 mm above the paper edge
const FOOTER_SIZE = 9;

const BODY_SIZE = 10.5; // the customary size of Japanese official documents
const BODY_LINE_HEIGHT = BODY_SIZE * 1.7; // Japanese reads better with looser leading than Latin
const PARAGRAPH_SPACE_AFTER = 6;

const TITLE_SIZE = 18;
const TITLE_LINE_HEIGHT = TITLE_SIZE * 1.4;
const SUBTITLE_SIZE = 12;
const TITLE_BLOCK_GAP = 18; // between the date/issuer lines and the title, and after the title
const HEADING_SIZE = { 1: 14, 2: 12 } as const;
const HEADING_SPACE_BEFORE = { 1: 14, 2: 10 } as const;
const HEADING_SPACE_AFTER = 6;
const HEADING_RULE_WIDTH = 0.8; // level-1 headings are underlined across the content width
const KEEP_WITH_NEXT_LINES = 2; // under a heading, room for this many lines of what follows (when it is not a paragraph or table)
/** A body paragraph leaves at least this many lines on each page it spans (no orphan, no widow). */
export const MIN_PARAGRAPH_LINES = 2;

const TABLE_SIZE = 9;
/** A header cell's text shrinks down to this size, in half points, before it wraps. */
export const HEADER_MIN_SIZE = 7;
const HEADER_SIZE_STEP = 0.5;
const TABLE_LINE_HEIGHT = TABLE_SIZE * 1.45;
const CELL_PADDING_X = 4;
const CELL_PADDING_Y = 3;
const TABLE_BORDER_WIDTH = 0.5;
const TABLE_BORDER = grayscale(0.45);
const HEADER_FILL = grayscale(0.87);
const KEY_FILL = grayscale(0.94); // the label column of key–value blocks
const TABLE_SPACE_AFTER = 10;
const KEY_COLUMN_FRACTION = 0.3;
/** A row taller than a page is split into pieces of at least this many lines (fewer only at its end). */
export const MIN_SPLIT_ROW_LINES = 2;

const WATERMARK_TEXT = '案';
const WATERMARK_SIZE = 300;
const WATERMARK_ANGLE = 45;
const WATERMARK_COLOR = grayscale(0.5);
const WATERMARK_OPACITY = 0.15; // drawn over the content, so it must stay faint enough to read through
// Marked as a watermark artifact: part of the page's look, not of its content (screen readers skip it).
const WATERMARK_ARTIFACT = '<< /Type /Pagination /Subtype /Watermark >>';

/** 〓 (下駄記号), the customary mark in Japanese print for a character that could not be set. */
export const REPLACEMENT_CHARACTER = '\u3013';

const TEXT_COLOR = grayscale(0);
// Where a CJK font's ideographic em box sits around the baseline, as fractions of the font size.
const EM_ASCENT = 0.88;
const EM_DESCENT = 0.12;
const EPSILON = 1e-6; // widths are sums of floats: do not wrap a line that fits to within rounding

// ── Money and dates ─────────────────────────────────────────────────────────────────────────────

/** 1234567 → "1,234,567円". Money is integer yen, so a fraction is a bug upstream, not something to round. */
export { formatYen } from '../domain/money.ts';

export interface JapaneseDate {
  /** 西暦, e.g. "2026年4月1日" */
  readonly gregorian: string;
  /** 和暦, e.g. "令和8年4月1日"; the first year of an era is written 元年 ("令和元年5月1日") */
  readonly era: string;
  /** both, as printed on documents: "2026年4月1日（令和8年4月1日）" */
  readonly full: string;
  /** both with 和暦 first: "令和8年4月1日（2026年4月1日）" */
  readonly eraFirst: string;
}

/** A date as a consortium prints it: 和暦 first (the default of public bodies) or 西暦 first. */
export function formatIssueDate(date: Date, era: EraStyle = 'wareki'): string {
  const d = formatJapaneseDate(date);
  return era === 'wareki' ? d.eraFirst : d.full;
}

const TOKYO = 'Asia/Tokyo'; // documents are dated in Japan whatever the server's zone
const gregorianParts = new Intl.DateTimeFormat('ja-JP-u-ca-gregory', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: TOKYO });
const eraParts = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', month: 'numeric', day: 'numeric', timeZone: TOKYO });

/** A date in 西暦 and 和暦, as a calendar day in Japan. */
export function formatJapaneseDate(date: Date): JapaneseDate {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const part = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const g = gregorianParts.formatToParts(date);
  const e = eraParts.formatToParts(date);
  const gregorian = `${part(g, 'year')}年${part(g, 'month')}月${part(g, 'day')}日`;
  // ICU versions differ on "1" versus "元" for an era's first year; documents use 元年.
  const eraYear = part(e, 'year') === '1' ? '元' : part(e, 'year');
  const era = `${part(e, 'era')}${eraYear}年${part(e, 'month')}月${part(e, 'day')}日`;
  return { gregorian, era, full: `${gregorian}（${era}）`, eraFirst: `${era}（${gregorian}）` };
}

// ── Japanese line breaking (禁則処理) ──────────────────────────────────────────────────────────
/** Width of a string in points at some fixed font and size. */
export type Measure = (text: string) => number;

// 行頭禁則: may not begin a line (closing brackets, punctuation, small kana, prolonged sound mark, iteration marks).
const NO_LINE_START = new Set(
  Array.from(
    '、。，．・：；？！ー）］｝」』】〕〉》〙〗〟’”｠»' +
      'ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ' +
      '々〻ゝゞヽヾ‐゠–〜～…‥％' +
      '｡､｣ｰ' +
      ',.:;?!)]}%',
  ),
);
// 行末禁則: may not end a line (opening brackets and quotes).
const NO_LINE_END = new Set(Array.from('（［｛「『【〔〈《〘〖〝‘“｟«｢([{'));
// Runs of these stay together like a Latin word: break at spaces, not inside "ISO9001" or "https://…".
const WORD_CHAR = /^[\x21-\x7E\u00C0-\u024F]$/;

interface Atom {
  readonly text: string;
  readonly width: number;
  readonly space: boolean;
  readonly newline: boolean;
  readonly noStart: boolean;
  readonly noEnd: boolean;
}

function atomOf(text: string, measure: Measure): Atom {
  const chars = Array.from(text);
  return {
    text,
    width: text === '\n' ? 0 : measure(text),
    space: text === ' ',
    newline: text === '\n',
    noStart: NO_LINE_START.has(chars[0] ?? ''),
    noEnd: NO_LINE_END.has(chars[chars.length - 1] ?? ''),
  };
}

/** Splits text into unbreakable pieces: a Latin word, one space, one other character, or a newline. */
function atomize(text: string, measure: Measure): Atom[] {
  const atoms: Atom[] = [];
  let word = '';
  const flushWord = () => {
    if (word) atoms.push(atomOf(word, measure));
    word = '';
  };
  // pdf-lib would split a drawn string at \f or \v itself, so other control characters become spaces.
  for (const ch of text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, ' ')) {
    if (WORD_CHAR.test(ch)) {
      word += ch;
      continue;
    }
    flushWord();
    atoms.push(atomOf(ch, measure));
  }
  flushWord();
  return atoms;
}

/**
 * Where `line` may be broken so that `next` starts a new line: the largest k (1 ≤ k ≤ line.length)
 * such that line[0..k) goes on this line, or -1. Spaces are transparent: the rule is checked between
 * the visible characters on either side, since spaces at a break are dropped.
 */
function lastBreak(line: readonly Atom[], next: Atom): number {
  const seq = [...line, next];
  for (let k = line.length; k >= 1; k--) {
    let left = k - 1;
    while (left >= 0 && seq[left]!.space) left--;
    if (left < 0) return -1; // only spaces before k: breaking would leave an empty line
    let right = k;
    while (right < seq.length && seq[right]!.space) right++;
    const after = seq[right];
    if (!seq[left]!.noEnd && !(after && after.noStart)) return k;
  }
  return -1;
}

const joinAtoms = (atoms: readonly Atom[]) => atoms.map((a) => a.text).join('');
const widthOf = (atoms: readonly Atom[]) => atoms.reduce((sum, a) => sum + a.width, 0);
const trimEndSpaces = (atoms: readonly Atom[]) => {
  let end = atoms.length;
  while (end > 0 && atoms[end - 1]!.space) end--;
  return atoms.slice(0, end);
};
const trimStartSpaces = (atoms: readonly Atom[]) => {
  let start = 0;
  while (start < atoms.length && atoms[start]!.space) start++;
  return atoms.slice(start);
};

/**
 * Breaks text into lines no wider than `maxWidth`, greedily, pushing characters to the next line
 * (追い出し) where 禁則 forbids a break. Latin words break at spaces; a word longer than a whole line
 * is split between characters. The rules give way only when nothing else fits (a run of 「「「…
 * wider than the line, or a single character wider than the line, which is left to overflow).
 * "\n" forces a break; an empty text is one empty line.
 */
export function breakLines(text: string, maxWidth: number, measure: Measure): string[] {
  const queue = atomize(text, measure);
  const lines: string[] = [];
  let line: Atom[] = [];
  let width = 0;
  let wrapped = false; // the current line continues a wrapped one, so leading spaces are dropped
  const emit = (atoms: readonly Atom[]) => lines.push(joinAtoms(trimEndSpaces(atoms)));

  for (let i = 0; i < queue.length; ) {
    const atom = queue[i]!;
    if (atom.newline) {
      emit(line);
      line = [];
      width = 0;
      wrapped = false;
      i++;
      continue;
    }
    if (atom.space) {
      // Spaces may run past the margin: they are trimmed where the line ends.
      if (!(wrapped && line.length === 0)) {
        line.push(atom);
        width += atom.width;
      }
      i++;
      continue;
    }
    if (width + atom.width <= maxWidth + EPSILON) {
      line.push(atom);
      width += atom.width;
      i++;
      continue;
    }
    const chars = Array.from(atom.text);
    if (chars.length > 1 && atom.width > maxWidth + EPSILON) {
      // No line could hold this word: split it into characters where it stands.
      queue.splice(i, 1, ...chars.map((ch) => atomOf(ch, measure)));
      continue;
    }
    if (trimEndSpaces(line).length === 0) {
      // Alone on its line and still too wide: a single character that overflows rather than loops.
      line.push(atom);
      width += atom.width;
      i++;
      continue;
    }
    const k = lastBreak(line, atom);
    const cut = k < 0 ? line.length : k; // no legal break: break before the atom anyway
    emit(line.slice(0, cut));
    line = trimStartSpaces(line.slice(cut));
    width = widthOf(line);
    wrapped = true;
  }
  emit(line);
  return lines;
}

// ── Characters the fonts cannot draw ────────────────────────────────────────────────────────────
const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

export interface Substitution {
  readonly text: string;
  /** The characters replaced, each once, in order of appearance. */
  readonly replaced: readonly string[];
}

/**
 * `text` with every character the fonts cannot draw replaced by 〓, so that it neither prints as an
 * empty box nor silently drops out of the text. A character is a grapheme cluster: 👍🏽 (two code
 * points) becomes one 〓, and 葛󠄀 (葛 with its variation selector) stays as it is when the font has it.
 */
export function replaceUndrawable(text: string, draws: (text: string) => boolean): Substitution {
  if (draws(text)) return { text, replaced: [] };
  let out = '';
  const replaced: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (draws(segment)) {
      out += segment;
      continue;
    }
    out += REPLACEMENT_CHARACTER;
    if (!replaced.includes(segment)) replaced.push(segment);
  }
  return { text: out, replaced };
}

/** "U+1F600", or "U+1F44D U+1F3FD" for a character of several code points. */
export const codePoints = (text: string): string => Array.from(text, (ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

/** What the secretariat is told about a character replaced by 〓. */
export const undrawableWarning = (character: string): string => `描画できない文字 ${character}（${codePoints(character)}）を${REPLACEMENT_CHARACTER}で置き換えました。`;

// ── Paragraphs across pages ─────────────────────────────────────────────────────────────────────
/**
 * How a paragraph of `lineCount` lines spreads over pages: the number of lines on the current page
 * (0: the paragraph starts on the next page), then on each following page. A page break inside a
 * paragraph leaves at least `minLines` lines on either side (no orphan at a page's foot, no widow at
 * the next page's head), so a paragraph of fewer than 2 × `minLines` lines moves whole. The rule gives
 * way only on an empty page that cannot satisfy it (a page holding fewer lines than that).
 */
export function paragraphChunks(lineCount: number, fitHere: number, fitPerPage: number, minLines = MIN_PARAGRAPH_LINES): number[] {
  const chunks: number[] = [];
  let rest = lineCount;
  let fit = Math.max(0, fitHere);
  let fresh = fitHere >= fitPerPage;
  while (rest > 0) {
    if (rest <= fit) {
      chunks.push(rest);
      break;
    }
    let take = Math.min(fit, rest - minLines);
    if (take < minLines) take = fresh ? Math.max(1, fit) : 0;
    chunks.push(take);
    rest -= take;
    fit = fitPerPage;
    fresh = true;
  }
  return chunks;
}

/** Lines of a paragraph of `lineCount` lines that must share a page with what comes before it. */
export const paragraphLeadLines = (lineCount: number, minLines = MIN_PARAGRAPH_LINES): number => (lineCount < 2 * minLines ? lineCount : minLines);

// ── Tables: column widths and pagination ────────────────────────────────────────────────────────
/** Points, or a share of the content width. */
export type ColumnWidth = number | { readonly fraction: number };
export type CellAlign = 'left' | 'right' | 'center';

/**
 * Absolute widths as given, fractions of `totalWidth`, and the rest shared equally by columns
 * without a width. Throws when the columns cannot fit, since a clipped table misreports figures.
 */
export function resolveColumnWidths(widths: ReadonlyArray<ColumnWidth | undefined>, totalWidth: number): number[] {
  const fixed = widths.map((w) => (w === undefined ? undefined : typeof w === 'number' ? w : w.fraction * totalWidth));
  if (fixed.some((w) => w !== undefined && !(w > 0))) throw new RangeError('column widths must be positive');
  const used = fixed.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  const flexible = fixed.filter((w) => w === undefined).length;
  const rest = totalWidth - used;
  if (rest < -EPSILON || (flexible > 0 && rest <= EPSILON)) {
    throw new RangeError(`columns need ${used.toFixed(1)}pt but only ${totalWidth.toFixed(1)}pt are available`);
  }
  return fixed.map((w) => w ?? rest / flexible);
}

/** Height of a table row (or row piece) holding `lines` lines. */
export function rowHeight(lines: number, lineHeight: number, paddingY: number): number {
  return lines * lineHeight + 2 * paddingY;
}

/** Lines [firstLine, firstLine + lineCount) of every cell of one row. */
export interface RowPiece {
  readonly row: number;
  readonly firstLine: number;
  readonly lineCount: number;
}

/** The part of a table drawn on one page, under its own copy of the header row. */
export interface TableSegment {
  /** Start a new page before drawing this segment (false only when the table starts on the current page). */
  readonly newPage: boolean;
  readonly pieces: readonly RowPiece[];
}

export interface TablePagination {
  /** Lines in each row: the most lines of any of its cells. */
  readonly rowLineCounts: readonly number[];
  readonly lineHeight: number;
  readonly paddingY: number;
  /** Height of the header row, repeated at the top of every segment; 0 for a table without one. */
  readonly headerHeight: number;
  /** Space left on the current page. */
  readonly available: number;
  /** Space on an empty page. */
  readonly pageHeight: number;
}

/**
 * Splits a table into per-page segments. A row moves whole to the next page when it does not fit;
 * only a row taller than an empty page is split, by lines, filling the current page first when at
 * least MIN_SPLIT_ROW_LINES of it fit there. The header row is never left alone at a page's foot.
 */
export function paginateTable(input: TablePagination): TableSegment[] {
  const { rowLineCounts, lineHeight, paddingY, headerHeight, pageHeight } = input;
  const height = (lines: number) => rowHeight(lines, lineHeight, paddingY);
  const segments: { newPage: boolean; pieces: RowPiece[] }[] = [];
  let space = input.available;
  let freshPage = input.available >= pageHeight - EPSILON;
  let breakBefore = false;
  let current: { newPage: boolean; pieces: RowPiece[] } | undefined;

  const nextPage = () => {
    space = pageHeight;
    freshPage = true;
    breakBefore = true;
    current = undefined;
  };
  const headerCost = () => (current ? 0 : headerHeight);
  const place = (piece: RowPiece) => {
    if (!current) {
      current = { newPage: breakBefore, pieces: [] };
      segments.push(current);
      space -= headerHeight;
    }
    current.pieces.push(piece);
    space -= height(piece.lineCount);
    freshPage = false;
  };

  if (rowLineCounts.length === 0) {
    if (headerHeight > space + EPSILON && !freshPage) nextPage();
    return [{ newPage: breakBefore, pieces: [] }];
  }

  rowLineCounts.forEach((lines, row) => {
    if (height(lines) + headerCost() <= space + EPSILON) return place({ row, firstLine: 0, lineCount: lines });
    if (height(lines) + headerHeight <= pageHeight + EPSILON) {
      nextPage();
      return place({ row, firstLine: 0, lineCount: lines });
    }
    let firstLine = 0;
    while (firstLine < lines) {
      const fit = Math.floor((space - headerCost() - 2 * paddingY + EPSILON) / lineHeight);
      const rest = lines - firstLine;
      if (fit >= Math.min(MIN_SPLIT_ROW_LINES, rest)) {
        const lineCount = Math.min(fit, rest);
        place({ row, firstLine, lineCount });
        firstLine += lineCount;
        if (firstLine < lines) nextPage();
      } else if (freshPage) {
        throw new RangeError('a page cannot hold the table header and one line of a row');
      } else {
        nextPage();
      }
    }
  });
  return segments;
}

/**
 * The height a table needs on the page it starts on: its header row and its first row, or, when that row
 * is taller than a page, the header and the least of the row `paginateTable` starts a page with. A
 * heading asks for this much room under it, so it is never left alone at the foot of a page.
 */
export function tableLeadHeight(input: Omit<TablePagination, 'available'>): number {
  const { rowLineCounts, lineHeight, paddingY, headerHeight, pageHeight } = input;
  const first = rowLineCounts[0];
  if (first === undefined) return headerHeight;
  const whole = headerHeight + rowHeight(first, lineHeight, paddingY);
  if (whole <= pageHeight + EPSILON) return whole;
  return headerHeight + rowHeight(Math.min(MIN_SPLIT_ROW_LINES, first), lineHeight, paddingY);
}

/**
 * The size of a table header's text, in half points from `largest` down to `smallest`: the largest at
 * which each of its lines fits `width` on one line. When none does, the size whose wrapping leaves the
 * longest shortest piece (fewer lines, then the larger size, on a tie): a narrow column's header
 * shrinks a little rather than break into fragments like 「必須区」「分」, but 「見積金額（税込）」 keeps
 * its clean break before （ rather than shrink into 「見積金額（税」「込）」.
 */
export function headerFontSize(
  text: string,
  width: number,
  measureAt: (text: string, size: number) => number,
  largest: number = TABLE_SIZE,
  smallest: number = HEADER_MIN_SIZE,
): number {
  const sizes: number[] = [];
  for (let step = 0; largest - step * HEADER_SIZE_STEP >= smallest - EPSILON; step++) sizes.push(largest - step * HEADER_SIZE_STEP);
  const hardLines = text.split('\n');
  const oneLine = sizes.find((size) => hardLines.every((line) => measureAt(line, size) <= width + EPSILON));
  if (oneLine !== undefined) return oneLine;
  let best = { size: smallest, shortest: -1, lines: Number.POSITIVE_INFINITY };
  for (const size of sizes) {
    const pieces = hardLines.flatMap((line) => {
      const wrapped = breakLines(line, width, (t) => measureAt(t, size));
      return wrapped.length > 1 ? wrapped : [];
    });
    if (pieces.length === 0) continue; // a single character wider than the column: smallest is best
    const shortest = Math.min(...pieces.map((piece) => Array.from(piece.trim()).length));
    if (shortest > best.shortest || (shortest === best.shortest && pieces.length < best.lines)) best = { size, shortest, lines: pieces.length };
  }
  return best.size;
}

// ── Small geometry helpers ──────────────────────────────────────────────────────────────────────
/** Baseline of a line of text whose line box starts at `top`, with the em box centred in the box. */
export function baselineInBox(top: number, size: number, lineHeight: number): number {
  return top - (lineHeight - (EM_ASCENT + EM_DESCENT) * size) / 2 - EM_ASCENT * size;
}

/** Left x of text of `textWidth` aligned in a box [left, left + boxWidth] with `padding` on both sides. */
export function alignedX(align: CellAlign, left: number, boxWidth: number, textWidth: number, padding: number): number {
  if (align === 'right') return left + boxWidth - padding - textWidth;
  if (align === 'center') return left + (boxWidth - textWidth) / 2;
  return left + padding;
}

/**
 * pdf-lib rotates text about its baseline origin; this is the origin that puts the centre of a
 * `width` × em-box glyph run at `center` after rotating by `angle` degrees.
 */
export function rotatedTextOrigin(center: { x: number; y: number }, width: number, size: number, angle: number): { x: number; y: number } {
  const radians = (angle * Math.PI) / 180;
  const cx = width / 2;
  const cy = ((EM_ASCENT - EM_DESCENT) / 2) * size;
  return {
    x: center.x - (cx * Math.cos(radians) - cy * Math.sin(radians)),
    y: center.y - (cx * Math.sin(radians) + cy * Math.cos(radians)),
  };
}

/** The footer text of page `index` (0-based) of `count`. */
export const pageLabel = (index: number, count: number): string => `${index + 1} / ${count}`;

// ── The document builder ────────────────────────────────────────────────────────────────────────
export interface DocumentOptions {
  /** Printed by `titleBlock()` and stored as the PDF title. */
  readonly title: string;
  /** The PDF title when it should say more than the printed one (the case beside 落札決定通知書). */
  readonly metadataTitle?: string;
  /** The issuing consortium; printed under the date and stored as the PDF author. */
  readonly author: string;
  readonly subject?: string;
  /** 発行日, printed in 西暦 and 和暦. */
  readonly issuedAt: Date;
  /** Metadata creation time; defaults to `issuedAt`, so the same payload gives the same bytes. */
  readonly createdAt?: Date;
  /** Stamps 「案」 across every page and dates the document as a draft. */
  readonly draft?: boolean;
  /** 文書番号, printed above the date (e.g. 熊DX協第12号). */
  readonly number?: string;
  /** 和暦 first (default) or 西暦 first. */
  readonly era?: EraStyle;
  /** Embed only the glyphs used (default). `false` embeds whole fonts (≈10 MB), for comparison in tests. */
  readonly fontSubset?: boolean;
}

export interface TableColumn {
  readonly header: string;
  /** Points or `{ fraction }` of the content width; columns without one share what is left. */
  readonly width?: ColumnWidth;
  /** 'right' for amounts, 'center' for ○/— marks. */
  readonly align?: CellAlign;
}

export interface TableSpec {
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<ReadonlyArray<string>>;
}

interface ColumnStyle {
  readonly width: number;
  readonly align: CellAlign;
  readonly bold: boolean;
  readonly fill?: Color;
  /** Font size of the cells (header cells may be smaller); TABLE_SIZE when absent. */
  readonly size?: number;
}

/** A heading waiting for the block after it, and space asked for between them. */
type PendingItem =
  | { readonly kind: 'heading'; readonly lines: readonly string[]; readonly level: 1 | 2 }
  | { readonly kind: 'space'; readonly points: number }
  /** a short lead-in sentence kept with the block it introduces */
  | { readonly kind: 'paragraph'; readonly lines: readonly string[] };

/** A lead-in kept with what follows is at most this many lines; a longer paragraph is drawn as usual. */
const KEEP_WITH_NEXT_MAX_LINES = 3;

/** Starts an A4 document with the Japanese fonts embedded and page 1 open. */
export async function createDocument(options: DocumentOptions): Promise<PdfDocumentBuilder> {
  // No automatic metadata: pdf-lib would stamp `new Date()` and its own name.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedJapaneseFonts(pdf, { subset: options.fontSubset ?? true });
  return new PdfDocumentBuilder(pdf, fonts, options);
}

export class PdfDocumentBuilder {
  private page: PDFPage;
  private cursor = 0; // y of the top of the free space on the current page
  private finished = false;
  private readonly widthCache = new Map<string, number>();
  private readonly notes: string[] = [];
  private readonly replaced = new Set<string>();
  // Headings not drawn yet: each waits for the block after it, to go to the next page with it if need be.
  private readonly pending: PendingItem[] = [];

  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: JapaneseFonts,
    private readonly options: DocumentOptions,
  ) {
    this.page = this.newPage();
  }

  /** What the secretariat should be told about this document (characters the fonts cannot draw …). */
  warnings(): string[] {
    return [...this.notes];
  }

  /** Number of pages so far. */
  get pageCount(): number {
    return this.pdf.getPageCount();
  }

  /** 文書番号 and date at the top right: the first lines of a Japanese official document. */
  dateLines(): this {
    const date = formatIssueDate(this.options.issuedAt, this.options.era);
    const lines = [...(this.options.number ? [this.drawable(this.options.number)] : []), this.options.draft ? `${date}（案）` : date];
    this.placePending(lines.length * BODY_LINE_HEIGHT);
    this.lines(lines, this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT, 'right');
    this.cursor -= PARAGRAPH_SPACE_AFTER;
    return this;
  }

  /** The document title centred, with an optional subtitle under it. */
  title(subtitle?: string): this {
    const title = this.wrap(this.options.title, this.fonts.bold, TITLE_SIZE, CONTENT_WIDTH);
    this.placePending(TITLE_BLOCK_GAP + title.length * TITLE_LINE_HEIGHT);
    this.cursor -= TITLE_BLOCK_GAP;
    this.lines(title, this.fonts.bold, TITLE_SIZE, TITLE_LINE_HEIGHT, 'center');
    if (subtitle) {
      this.lines(this.wrap(subtitle, this.fonts.regular, SUBTITLE_SIZE, CONTENT_WIDTH), this.fonts.regular, SUBTITLE_SIZE, SUBTITLE_SIZE * 1.6, 'center');
    }
    this.cursor -= TITLE_BLOCK_GAP;
    return this;
  }

  /** Number and date, then the issuer at the top right, then the title centred, as on Japanese official documents. */
  titleBlock(subtitle?: string): this {
    this.dateLines();
    this.lines(this.wrap(this.options.author, this.fonts.regular, BODY_SIZE, CONTENT_WIDTH), this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT, 'right');
    return this.title(subtitle);
  }

  /** Lines of text, each wrapped on its own, aligned as asked (an address to the left, 記 centred). */
  alignedLines(lines: readonly string[], align: CellAlign = 'left'): this {
    const wrapped = lines.map((line) => this.wrap(line, this.fonts.regular, BODY_SIZE, CONTENT_WIDTH));
    this.placePending(Math.min(KEEP_WITH_NEXT_LINES, wrapped.flat().length) * BODY_LINE_HEIGHT);
    for (const line of wrapped) this.lines(line, this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT, align);
    this.cursor -= PARAGRAPH_SPACE_AFTER;
    return this;
  }

  /**
   * The issuer at the right: its lines right-aligned, then the seal as configured: a square 印 box
   * beside the last line, or （公印省略） under it.
   */
  issuerBlock(issuerLines: readonly string[], seal: 'box' | 'omitted' | 'none' = 'none'): this {
    const lines = issuerLines.map((line) => this.drawable(line));
    const boxSize = BODY_LINE_HEIGHT * 1.6;
    const reserve = seal === 'box' ? boxSize + 6 : 0;
    const measure = this.measure(this.fonts.regular, BODY_SIZE);
    const height = lines.length * BODY_LINE_HEIGHT + (seal === 'box' ? boxSize : BODY_LINE_HEIGHT);
    this.placePending(height);
    this.ensureSpace(height);
    lines.forEach((line, i) => {
      const width = measure(line);
      const x = MARGIN_LEFT + CONTENT_WIDTH - reserve - width;
      this.text(line, x, this.cursor, this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT);
      if (seal === 'box' && i === lines.length - 1) {
        const left = MARGIN_LEFT + CONTENT_WIDTH - boxSize;
        const top = this.cursor + (boxSize - BODY_LINE_HEIGHT) / 2;
        this.page.drawRectangle({ x: left, y: top - boxSize, width: boxSize, height: boxSize, borderColor: TEXT_COLOR, borderWidth: 0.6 });
        const markWidth = measure('印');
        this.text('印', left + (boxSize - markWidth) / 2, top - (boxSize - BODY_LINE_HEIGHT) / 2, this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT);
      }
      this.cursor -= BODY_LINE_HEIGHT;
    });
    if (seal === 'box') this.cursor -= boxSize - BODY_LINE_HEIGHT;
    if (seal === 'omitted') this.lines(['（公印省略）'], this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT, 'right');
    this.cursor -= PARAGRAPH_SPACE_AFTER;
    return this;
  }

  /**
   * A heading. It is drawn with the block after it, which tells how much of itself must share the page
   * (a table's header and first row, a paragraph's first lines): when that does not fit under the
   * heading, the heading goes to the next page with it, so a heading never ends a page.
   */
  heading(text: string, level: 1 | 2 = 1): this {
    this.pending.push({ kind: 'heading', lines: this.wrap(text, this.fonts.bold, HEADING_SIZE[level], CONTENT_WIDTH), level });
    return this;
  }

  /**
   * A body paragraph; across a page break it keeps at least two lines on each page. `keepWithNext`: a lead-in (「次のとおり…」) waits, like a heading, for the block it
   * introduces and goes to the next page with it rather than stay alone at the foot of this one.
   */
  paragraph(text: string, options: { keepWithNext?: boolean } = {}): this {
    const lines = this.wrap(text, this.fonts.regular, BODY_SIZE, CONTENT_WIDTH);
    if (options.keepWithNext && lines.length <= KEEP_WITH_NEXT_MAX_LINES) {
      this.pending.push({ kind: 'paragraph', lines });
      return this;
    }
    this.placePending(paragraphLeadLines(lines.length) * BODY_LINE_HEIGHT);
    const linesThatFit = (height: number) => Math.floor((height + EPSILON) / BODY_LINE_HEIGHT);
    const chunks = paragraphChunks(lines.length, linesThatFit(this.available()), linesThatFit(CONTENT_HEIGHT));
    let first = 0;
    chunks.forEach((count, i) => {
      if (i > 0) this.pageBreak();
      this.lines(lines.slice(first, first + count), this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT, 'left');
      first += count;
    });
    this.cursor -= PARAGRAPH_SPACE_AFTER;
    return this;
  }

  /** A table; long tables continue on the next page under a repeated header row. */
  table(spec: TableSpec, options: { keep?: boolean; followedBy?: number } = {}): this {
    const widths = resolveColumnWidths(spec.columns.map((c) => c.width), CONTENT_WIDTH);
    const styles = spec.columns.map((c, i): ColumnStyle => ({ width: widths[i]!, align: c.align ?? 'left', bold: false }));
    this.grid(styles, spec.columns.map((c) => c.header), spec.rows, options.keep ?? false, options.followedBy ?? 0);
    return this;
  }

  /** Label–value pairs (件名, 予定価格 …) as a two-column grid with shaded labels. */
  keyValue(rows: ReadonlyArray<readonly [label: string, value: string]>): this {
    const [keyWidth, valueWidth] = resolveColumnWidths([{ fraction: KEY_COLUMN_FRACTION }, undefined], CONTENT_WIDTH);
    const styles: ColumnStyle[] = [
      { width: keyWidth!, align: 'left', bold: true, fill: KEY_FILL },
      { width: valueWidth!, align: 'left', bold: false },
    ];
    this.grid(styles, undefined, rows);
    return this;
  }

  /** Vertical space; it does not carry over to the next page. */
  space(points: number): this {
    // Under a heading still waiting for its block, the space waits with it.
    if (this.pending.length > 0) this.pending.push({ kind: 'space', points });
    else this.cursor = Math.max(this.cursor - points, MARGIN_BOTTOM);
    return this;
  }

  /** Starts a new page; headings still waiting for their block go over with it. */
  pageBreak(): this {
    if (!this.atPageTop()) this.newPage();
    return this;
  }

  /** Draws page numbers (and the draft stamp), sets metadata and returns the PDF bytes; call once. */
  async finish(): Promise<Uint8Array> {
    if (this.finished) throw new Error('document already finished');
    this.finished = true;
    this.placePending(0);
    const stamp = this.options.draft ? await glyphOutline(WATERMARK_TEXT, 'bold') : undefined;
    const pages = this.pdf.getPages();
    pages.forEach((page, index) => {
      const label = pageLabel(index, pages.length);
      const width = this.measure(this.fonts.regular, FOOTER_SIZE)(label);
      page.drawText(label, { x: (PAGE_WIDTH - width) / 2, y: FOOTER_BASELINE, size: FOOTER_SIZE, font: this.fonts.regular, color: TEXT_COLOR });
      // Stamped last, over the content, so table fills cannot hide it.
      if (stamp) this.watermark(page, stamp);
    });
    const createdAt = this.options.createdAt ?? this.options.issuedAt;
    this.pdf.setTitle(this.options.metadataTitle ?? this.options.title, { showInWindowTitleBar: true });
    this.pdf.setAuthor(this.options.author);
    if (this.options.subject) this.pdf.setSubject(this.options.subject);
    this.pdf.setCreator(PRODUCT_NAME);
    this.pdf.setProducer(PRODUCT_NAME);
    this.pdf.setCreationDate(createdAt);
    this.pdf.setModificationDate(createdAt);
    this.pdf.setLanguage('ja');
    return this.pdf.save();
  }

  // ── drawing internals ──

  private newPage(): PDFPage {
    this.page = this.pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.cursor = PAGE_HEIGHT - MARGIN_TOP;
    return this.page;
  }

  private atPageTop(): boolean {
    return this.cursor >= PAGE_HEIGHT - MARGIN_TOP - EPSILON;
  }

  private available(): number {
    return this.cursor - MARGIN_BOTTOM;
  }

  private ensureSpace(height: number): void {
    if (height > this.available() + EPSILON && !this.atPageTop()) this.newPage();
  }

  private headingHeight(item: PendingItem & { kind: 'heading' }, atPageTop: boolean): number {
    const before = atPageTop ? 0 : HEADING_SPACE_BEFORE[item.level];
    return before + item.lines.length * HEADING_SIZE[item.level] * 1.5 + HEADING_SPACE_AFTER;
  }

  /**
   * Draws the headings waiting for this block, on this page when they and `lead` (the part of the block
   * that must share their page) fit under the cursor, else at the top of the next page.
   */
  private placePending(lead: number): void {
    if (this.pending.length === 0) return;
    const items = this.pending.splice(0);
    const heightOf = (item: PendingItem, first: boolean) =>
      item.kind === 'space' ? item.points : item.kind === 'paragraph' ? item.lines.length * BODY_LINE_HEIGHT + PARAGRAPH_SPACE_AFTER : this.headingHeight(item, first && this.atPageTop());
    const height = items.reduce((sum, item, i) => sum + heightOf(item, i === 0), 0);
    this.ensureSpace(height + lead);
    for (const item of items) {
      if (item.kind === 'space') this.cursor = Math.max(this.cursor - item.points, MARGIN_BOTTOM);
      else if (item.kind === 'paragraph') {
        this.lines(item.lines, this.fonts.regular, BODY_SIZE, BODY_LINE_HEIGHT, 'left');
        this.cursor -= PARAGRAPH_SPACE_AFTER;
      } else this.drawHeading(item);
    }
  }

  private drawHeading(item: PendingItem & { kind: 'heading' }): void {
    const size = HEADING_SIZE[item.level];
    if (!this.atPageTop()) this.cursor -= HEADING_SPACE_BEFORE[item.level];
    this.lines(item.lines, this.fonts.bold, size, size * 1.5, 'left');
    if (item.level === 1) {
      const y = this.cursor - 1;
      this.page.drawLine({ start: { x: MARGIN_LEFT, y }, end: { x: MARGIN_LEFT + CONTENT_WIDTH, y }, thickness: HEADING_RULE_WIDTH, color: TEXT_COLOR });
    }
    this.cursor -= HEADING_SPACE_AFTER;
  }

  /** Widths are memoised per font and size: a character is measured once, not once per candidate line. */
  private measure(font: PDFFont, size: number): Measure {
    return (text) => {
      const key = `${font.name}\u0000${size}\u0000${text}`;
      let width = this.widthCache.get(key);
      if (width === undefined) {
        width = font.widthOfTextAtSize(text, size);
        this.widthCache.set(key, width);
      }
      return width;
    };
  }

  /** The text as it will be drawn: what the fonts cannot draw becomes 〓, and the secretariat is told once per character. */
  private drawable(text: string): string {
    const result = replaceUndrawable(text, this.fonts.draws);
    for (const character of result.replaced) {
      if (this.replaced.has(character)) continue;
      this.replaced.add(character);
      this.notes.push(undrawableWarning(character));
    }
    return result.text;
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    return breakLines(this.drawable(text), width, this.measure(font, size));
  }

  /** Draws whole lines down the content column, breaking pages between lines. */
  private lines(lines: readonly string[], font: PDFFont, size: number, lineHeight: number, align: CellAlign): void {
    const measure = this.measure(font, size);
    // lines come wrapped (wrap() has put 〓 for what the fonts cannot draw)
    for (const line of lines) {
      this.ensureSpace(lineHeight);
      this.text(line, alignedX(align, MARGIN_LEFT, CONTENT_WIDTH, measure(line), 0), this.cursor, font, size, lineHeight);
      this.cursor -= lineHeight;
    }
  }

  private text(line: string, x: number, top: number, font: PDFFont, size: number, lineHeight: number): void {
    if (line === '') return;
    this.page.drawText(line, { x, y: baselineInBox(top, size, lineHeight), size, font, color: TEXT_COLOR });
  }

  /**
   * A table's rows under its header. `keep`: a table that fits on one page is not split; it starts the
   * next page (with the headings waiting for it) when the rest of this one cannot hold it whole, and
   * with `followedBy` body lines after it (the lines that report on it).
   */
  private grid(columns: readonly ColumnStyle[], header: readonly string[] | undefined, rows: ReadonlyArray<ReadonlyArray<string>>, keep = false, followedBy = 0): void {
    rows.forEach((row, i) => {
      if (row.length !== columns.length) throw new RangeError(`row ${i + 1} has ${row.length} cells for ${columns.length} columns`);
    });
    const cellWidth = (c: number) => columns[c]!.width - 2 * CELL_PADDING_X;
    const wrapCells = (cells: readonly string[], bold: (column: number) => boolean) =>
      cells.map((cell, c) => this.wrap(cell, bold(c) ? this.fonts.bold : this.fonts.regular, TABLE_SIZE, cellWidth(c)));
    // A header too wide for its column is set smaller before it wraps.
    const headerCells = header?.map((text) => this.drawable(text));
    const headerSizes = headerCells?.map((text, c) => headerFontSize(text, cellWidth(c), (t, size) => this.measure(this.fonts.bold, size)(t)));
    const headerLines = headerCells?.map((text, c) => breakLines(text, cellWidth(c), this.measure(this.fonts.bold, headerSizes![c]!)));
    const bodyLines = rows.map((row) => wrapCells(row, (c) => columns[c]!.bold));
    const lineCount = (cells: readonly string[][]) => Math.max(1, ...cells.map((lines) => lines.length));
    const headerHeight = headerLines ? rowHeight(lineCount(headerLines), TABLE_LINE_HEIGHT, CELL_PADDING_Y) : 0;
    const geometry = { rowLineCounts: bodyLines.map(lineCount), lineHeight: TABLE_LINE_HEIGHT, paddingY: CELL_PADDING_Y, headerHeight, pageHeight: CONTENT_HEIGHT };

    const whole = headerHeight + geometry.rowLineCounts.reduce((sum, lines) => sum + rowHeight(lines, TABLE_LINE_HEIGHT, CELL_PADDING_Y), 0);
    const kept = whole + TABLE_SPACE_AFTER + followedBy * (BODY_LINE_HEIGHT + PARAGRAPH_SPACE_AFTER);
    const lead = keep && kept <= CONTENT_HEIGHT + EPSILON ? kept : keep && whole <= CONTENT_HEIGHT + EPSILON ? whole : tableLeadHeight(geometry);
    this.placePending(lead);
    this.ensureSpace(lead);
    const segments = paginateTable({ ...geometry, available: this.available() });
    for (const segment of segments) {
      if (segment.newPage) this.newPage();
      const rowTops: number[] = [];
      if (headerLines) {
        const headerStyles = columns.map((c, i): ColumnStyle => ({ ...c, align: 'center', bold: true, fill: HEADER_FILL, size: headerSizes![i]! }));
        rowTops.push(this.cursor);
        this.gridRow(headerStyles, headerLines, 0, lineCount(headerLines));
      }
      for (const piece of segment.pieces) {
        rowTops.push(this.cursor);
        this.gridRow(columns, bodyLines[piece.row]!, piece.firstLine, piece.lineCount);
      }
      this.gridLines(columns, rowTops, this.cursor);
    }
    this.cursor -= TABLE_SPACE_AFTER;
  }

  /**
   * The rules of one page's part of a table as a single stroked path: a line above each row and below
   * the last, and one down each column edge. One path instead of a bordered rectangle per cell keeps a
   * long table's content stream (and its drawing time) small.
   */
  private gridLines(columns: readonly ColumnStyle[], rowTops: readonly number[], bottom: number): void {
    if (rowTops.length === 0) return;
    const right = MARGIN_LEFT + columns.reduce((sum, c) => sum + c.width, 0);
    const ops = [pushGraphicsState(), setLineWidth(TABLE_BORDER_WIDTH), setStrokingColor(TABLE_BORDER)];
    for (const y of [...rowTops, bottom]) ops.push(moveTo(MARGIN_LEFT, y), lineTo(right, y));
    let x = MARGIN_LEFT;
    for (const column of [...columns, null]) {
      ops.push(moveTo(x, rowTops[0]!), lineTo(x, bottom));
      if (column) x += column.width;
    }
    ops.push(stroke(), popGraphicsState());
    this.page.pushOperators(...ops);
  }

  private gridRow(columns: readonly ColumnStyle[], cells: readonly string[][], firstLine: number, lineCount: number): void {
    const height = rowHeight(lineCount, TABLE_LINE_HEIGHT, CELL_PADDING_Y);
    let left = MARGIN_LEFT;
    columns.forEach((column, c) => {
      if (column.fill) this.page.drawRectangle({ x: left, y: this.cursor - height, width: column.width, height, color: column.fill });
      const font = column.bold ? this.fonts.bold : this.fonts.regular;
      const size = column.size ?? TABLE_SIZE;
      const measure = this.measure(font, size);
      const lines = (cells[c] ?? []).slice(firstLine, firstLine + lineCount);
      lines.forEach((line, i) => {
        const x = alignedX(column.align, left, column.width, measure(line), CELL_PADDING_X);
        this.text(line, x, this.cursor - CELL_PADDING_Y - i * TABLE_LINE_HEIGHT, font, size, TABLE_LINE_HEIGHT);
      });
      left += column.width;
    });
    this.cursor -= height;
  }

  /**
   * 「案」 across the page, faint, at 45°, centred as the glyph's em box. Drawn as the glyph's outline, not
   * as text: the stamp is not part of the document's text, so extracting or copying a draft's text (or
   * reading it aloud) must not interleave 案 with whatever it crosses, as in 「参加団\n案\n体」.
   */
  private watermark(page: PDFPage, stamp: GlyphOutline): void {
    const origin = rotatedTextOrigin({ x: PAGE_WIDTH / 2, y: PAGE_HEIGHT / 2 }, stamp.advance * WATERMARK_SIZE, WATERMARK_SIZE, WATERMARK_ANGLE);
    page.pushOperators(PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [PDFName.of('Artifact'), WATERMARK_ARTIFACT]));
    page.drawSvgPath(stamp.svgPath, {
      ...origin,
      scale: WATERMARK_SIZE,
      color: WATERMARK_COLOR,
      opacity: WATERMARK_OPACITY,
      rotate: degrees(WATERMARK_ANGLE),
    });
    page.pushOperators(endMarkedContent());
  }
}
