import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Noto Sans JP for pdf-lib, through upstream fontkit 2.x.
 *
 * Why not `@pdf-lib/fontkit`: its 1.1.1 subsetter writes a broken `loca` for CJK TrueType fonts, so
 * most glyphs render blank while `pdftotext` still reads the text (see ARCHITECTURE.md).
 *
 * What is cached, once per process, per weight:
 *  - the font file bytes (≈5.4 MB each), read lazily on first use;
 *  - the parsed fontkit `Font`. `fontkit.create` itself is cheap (≈2 ms: it reads only the table
 *    directory), but the tables it decodes lazily on first use — cmap, GSUB/GPOS, hmtx, loca — cost
 *    ≈25–30 ms per weight and stay on the font object, so every later document lays out text at once.
 *
 * Why sharing the parsed font across documents is safe:
 *  - all per-document state lives in objects pdf-lib creates per embedding: the embedder and the
 *    `Subset` from `font.createSubset()` (its own glyph list and mapping);
 *  - what the shared font keeps is caches of immutable data (decoded tables, `Glyph` objects keyed
 *    by glyph id, the layout engine);
 *  - the one mutable field, the shared read position of the font stream, is only touched inside
 *    synchronous calls (`layout`, `Subset.encode`), so interleaved async documents cannot observe it.
 */

export type FontWeight = 'regular' | 'bold';

const FONT_FILES: Record<FontWeight, string> = {
  regular: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf',
};

// Fixed subset tags (six capitals, as PDF requires) instead of pdf-lib's random suffix: same input, same bytes.
const SUBSET_TAGS: Record<FontWeight, string> = { regular: 'NSJPRG', bold: 'NSJPBD' };

export interface LoadedFont {
  readonly weight: FontWeight;
  readonly bytes: Uint8Array;
  readonly font: fontkit.Font;
}

export interface JapaneseFonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  /**
   * Whether both weights draw `text` (a character, or a character with its variation selector) with
   * glyphs of their own rather than the empty box of `.notdef`. Control characters count as drawable:
   * the layout turns them into spaces and line breaks before anything is drawn.
   */
  draws(text: string): boolean;
}

type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];
type PdfLibFont = ReturnType<PdfLibFontkit['create']>;

const stats = { fileReads: 0, parses: 0 };
const loading = new Map<FontWeight, Promise<LoadedFont>>();
// Keyed by the very byte array we hand to pdf-lib, which passes it back to `create` untouched.
const pdfLibViews = new WeakMap<Uint8Array, PdfLibFont>();

/** How often the font files were read and parsed in this process; tests assert "once". */
export function fontCacheStats(): { readonly fileReads: number; readonly parses: number } {
  return { ...stats };
}

/** The cached bytes and parsed font of one weight; concurrent first callers share one read. */
export function loadJapaneseFont(weight: FontWeight): Promise<LoadedFont> {
  let pending = loading.get(weight);
  if (!pending) {
    pending = readAndParse(weight);
    loading.set(weight, pending);
    // A failed read must not poison the cache for the rest of the process.
    pending.catch(() => loading.delete(weight));
  }
  return pending;
}

async function readAndParse(weight: FontWeight): Promise<LoadedFont> {
  const path = createRequire(import.meta.url).resolve(FONT_FILES[weight]);
  const bytes = await readFile(path);
  stats.fileReads += 1;
  const font = parseFont(bytes);
  pdfLibViews.set(bytes, asPdfLibFont(font));
  return { weight, bytes, font };
}

function parseFont(bytes: Uint8Array): fontkit.Font {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parsed = fontkit.create(buffer);
  stats.parses += 1;
  if ('fonts' in parsed) throw new Error('expected a single font, got a font collection');
  keepCodePointsPerUse(parsed);
  return parsed;
}

/**
 * fontkit caches one glyph object per glyph id, with the code points of its first use. A glyph shared by
 * two characters (士 U+58EB and the radical ⼠ U+2F20 are one glyph in Noto Sans JP) would then carry
 * the first character for every later use, and pdf-lib writes that into the PDF's text layer, so copied
 * or extracted text reads the wrong character. Each use gets a view of the cached glyph with the code
 * points it was asked for; outlines and metrics stay shared.
 */
function keepCodePointsPerUse(font: fontkit.Font) {
  const cached = font.getGlyph.bind(font) as (id: number, characters?: number[]) => fontkit.Glyph;
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  (font as unknown as { getGlyph: typeof cached }).getGlyph = (id, characters = []) => {
    const glyph = cached(id, characters);
    if (!glyph || characters.length === 0 || same(glyph.codePoints, characters)) return glyph;
    const view = Object.create(glyph) as fontkit.Glyph;
    Object.defineProperty(view, 'codePoints', { value: characters, enumerable: true });
    return view;
  };
}

/**
 * The shared font as pdf-lib expects it. pdf-lib was written against fontkit 1, whose subsets
 * stream their bytes (`encodeStream()`); fontkit 2 returns them from `encode()`. A proxy swaps in
 * `createSubset` only; every other access reaches the real font with the real font as `this`, so
 * fontkit's lazily cached tables land on the shared object.
 */
function asPdfLibFont(font: fontkit.Font): PdfLibFont {
  const createSubset = () => {
    const subset = glyphPerUse(font.createSubset() as unknown as TtfSubset);
    return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
  };
  const layout = memoisedLayout(font);
  const view = new Proxy(font, {
    get: (target, property) =>
      property === 'createSubset' ? createSubset : property === 'layout' ? layout : Reflect.get(target, property, target),
  });
  return view as unknown as PdfLibFont;
}

/** What pdf-lib and fontkit's TrueType subsetter use of a subset (fontkit 2.x). */
interface TtfSubset {
  /** Original glyph ids, by subset glyph id (index 0 is .notdef). */
  readonly glyphs: number[];
  /** Subset glyph id by original glyph id, for the first copy of each glyph. */
  readonly mapping: Record<number, number | undefined>;
  includeGlyph(glyph: number | fontkit.Glyph): number;
  encode(): Uint8Array;
}

interface PerUseSubset extends TtfSubset {
  /** The subset glyph id a glyph was given for the code points it was drawn for. */
  idOf(glyph: fontkit.Glyph): number | undefined;
}

const perUseKey = (glyph: fontkit.Glyph) => `${glyph.id}:${glyph.codePoints.join(' ')}`;

/**
 * A subset that gives a glyph one subset glyph id per text it stands for.
 *
 * Noto Sans JP draws some pairs of characters with one glyph: ～ FULLWIDTH TILDE (U+FF5E, what MS-IME
 * types) and 〜 WAVE DASH (U+301C) are both glyph 1166, as are 士 and the radical ⼠. The PDF's text layer
 * (its ToUnicode CMap) maps each glyph id of the embedded font to one string, so with one id per glyph
 * every ～ in a document would read back as 〜 or the other way round, and a Shift_JIS system receiving
 * the copied text turns the wrong one into 「?」. The outline is simply copied once more under a second
 * id (a few hundred bytes), so each id reads back as exactly what was written.
 *
 * Glyph ids given as numbers (the components of composite glyphs, added while encoding) keep fontkit's
 * one copy per glyph: they are never drawn on their own and have no text.
 */
function glyphPerUse(subset: TtfSubset): PerUseSubset {
  const ids = new Map<string, number>();
  const include = subset.includeGlyph.bind(subset);
  return Object.assign(subset, {
    includeGlyph(glyph: number | fontkit.Glyph): number {
      if (typeof glyph === 'number') return include(glyph);
      const key = perUseKey(glyph);
      let id = ids.get(key);
      if (id === undefined) {
        if (subset.mapping[glyph.id] === undefined || subset.mapping[glyph.id] === null) id = include(glyph.id);
        else id = subset.glyphs.push(glyph.id) - 1;
        ids.set(key, id);
      }
      return id;
    },
    idOf: (glyph: fontkit.Glyph) => ids.get(perUseKey(glyph)),
  });
}

/** The parts of pdf-lib 1.17's subsetting font embedder that `useSubsetIdsPerText` replaces. */
interface SubsetEmbedder {
  readonly subset?: Partial<PerUseSubset>;
  glyphId(glyph: fontkit.Glyph | undefined): number;
}

/**
 * pdf-lib looks a drawn glyph's subset id up by its original glyph id when it writes the widths and the
 * ToUnicode CMap, which would give every copy of a shared glyph the id of the last one drawn. The
 * subset knows the id each use was given; the embedder is told to ask it.
 */
function useSubsetIdsPerText(font: PDFFont): void {
  const embedder = (font as unknown as { embedder?: SubsetEmbedder }).embedder;
  // pdf-lib is pinned (1.17.1, its last release); should its embedder change shape, say so plainly
  // rather than write a text layer that reads other characters than were drawn
  if (!embedder || typeof embedder.glyphId !== 'function') throw new Error('pdf-lib のフォント埋め込み処理の形が想定と異なります（pdf-lib 1.17.1 を使用してください）。');
  const idOf = embedder.subset?.idOf;
  if (!idOf) return; // a whole font: glyph ids are written as they are, one text per glyph
  embedder.glyphId = (glyph) => (glyph ? (idOf(glyph) ?? -1) : -1);
}

// Shaping a string (cmap, GSUB, GPOS) is the costly step of drawing text, and pdf-lib shapes each
// string twice (to measure it, then to encode it) while tables repeat the same cells (○, —, 市, dates)
// over and over. A shaped run is read-only to pdf-lib, so runs are kept per string, up to a bound.
const LAYOUT_CACHE_LIMIT = 20_000;

function memoisedLayout(font: fontkit.Font) {
  const runs = new Map<string, fontkit.GlyphRun>();
  return (text: string, features?: unknown) => {
    const key = features === undefined ? text : `${JSON.stringify(features)}\u0000${text}`;
    let run = runs.get(key);
    if (!run) {
      if (runs.size >= LAYOUT_CACHE_LIMIT) runs.clear();
      run = font.layout(text, features as never);
      runs.set(key, run);
    }
    return run;
  };
}

/** The fontkit pdf-lib is given: cached fonts for our bytes, a fresh parse for anything else. */
export const japaneseFontkit: PdfLibFontkit = {
  create(bytes: Uint8Array): PdfLibFont {
    const cached = pdfLibViews.get(bytes);
    if (cached) return cached;
    const view = asPdfLibFont(parseFont(bytes));
    pdfLibViews.set(bytes, view);
    return view;
  },
};

/** Embeds both weights; `subset: false` exists so tests can compare against the whole font. */
export async function embedJapaneseFonts(doc: PDFDocument, options: { subset?: boolean } = {}): Promise<JapaneseFonts> {
  const subset = options.subset ?? true;
  doc.registerFontkit(japaneseFontkit);
  const [regular, bold] = await Promise.all([loadJapaneseFont('regular'), loadJapaneseFont('bold')]);
  const embed = (loaded: LoadedFont) =>
    doc.embedFont(loaded.bytes, {
      subset,
      customName: subset ? `${SUBSET_TAGS[loaded.weight]}+${loaded.font.postscriptName}` : loaded.font.postscriptName,
    });
  const fonts = { regular: await embed(regular), bold: await embed(bold) };
  if (subset) {
    useSubsetIdsPerText(fonts.regular);
    useSubsetIdsPerText(fonts.bold);
  }
  return { ...fonts, draws: (text) => drawsWith(regular.font, text) && drawsWith(bold.font, text) };
}

// ── What the fonts cannot draw ──────────────────────────────────────────────────────────────────
const CONTROL = /^[\u0000-\u001F\u007F]*$/;
const DRAWS_CACHE_LIMIT = 5_000;
const drawsCache = new WeakMap<fontkit.Font, Map<string, boolean>>();

function drawsWith(font: fontkit.Font, text: string): boolean {
  if (CONTROL.test(text)) return true;
  // The common case, every code point in the cmap, without shaping anything.
  let plain = true;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x1f && cp !== 0x7f && !font.hasGlyphForCodePoint(cp)) {
      plain = false;
      break;
    }
  }
  if (plain) return true;
  // A variation selector has no glyph of its own but selects one with its base (葛󠄀); shaping tells.
  let cache = drawsCache.get(font);
  if (!cache) drawsCache.set(font, (cache = new Map()));
  let result = cache.get(text);
  if (result === undefined) {
    const printable = text.replace(/[\u0000-\u001F\u007F]/g, ' ');
    result = font.layout(printable).glyphs.every((glyph) => glyph.id !== 0);
    if (cache.size >= DRAWS_CACHE_LIMIT) cache.clear();
    cache.set(text, result);
  }
  return result;
}

// ── The draft stamp as an outline ───────────────────────────────────────────────────────────────
export interface GlyphOutline {
  /** SVG path data in em units (1 = the font size), y growing downwards as SVG has it, origin on the baseline. */
  readonly svgPath: string;
  /** Advance width in em units. */
  readonly advance: number;
}

const outlines = new Map<string, GlyphOutline>();

/**
 * The outline of one character, for drawing it as a shape rather than as text: the draft stamp 「案」
 * is part of the page's look, not of its text, so copying or extracting a draft's text must not pick it up.
 */
export async function glyphOutline(character: string, weight: FontWeight): Promise<GlyphOutline> {
  const key = `${weight}\u0000${character}`;
  const cached = outlines.get(key);
  if (cached) return cached;
  const { font } = await loadJapaneseFont(weight);
  const glyphs = font.layout(character).glyphs;
  if (glyphs.length !== 1 || glyphs[0]!.id === 0) throw new RangeError(`no single glyph for ${character}`);
  const glyph = glyphs[0]!;
  const em = font.unitsPerEm;
  const number = (v: number) => String(Math.round((v / em) * 1e5) / 1e5);
  const commands: Record<string, string> = { moveTo: 'M', lineTo: 'L', quadraticCurveTo: 'Q', bezierCurveTo: 'C', closePath: 'Z' };
  const svgPath = glyph.path.commands
    .map((c) => {
      const args: string[] = [];
      for (let i = 0; i < c.args.length; i += 2) args.push(number(c.args[i]!), number(-c.args[i + 1]!));
      return `${commands[c.command]}${args.join(' ')}`;
    })
    .join('');
  const outline = { svgPath, advance: glyph.advanceWidth / em };
  outlines.set(key, outline);
  return outline;
}
