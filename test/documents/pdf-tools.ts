import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The command-line tools the PDF tests check documents with, and the Debian package of each. */
const TOOLS = [
  { command: 'qpdf', versionFlag: '--version', apt: 'qpdf' },
  { command: 'pdftotext', versionFlag: '-v', apt: 'poppler-utils' },
  { command: 'pdftoppm', versionFlag: '-v', apt: 'poppler-utils' },
] as const;

/** Fails, naming the package, when a tool is missing: CI installs them, so a skip would hide a real gap. */
export function assertPdfToolsInstalled(): void {
  const missing = TOOLS.filter((tool) => spawnSync(tool.command, [tool.versionFlag]).error);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => tool.apt))].join(' ');
    throw new Error(`PDF tests need ${missing.map((t) => t.command).join(', ')}: install with \`apt-get install ${packages}\``);
  }
}

/** A scratch directory for PDFs and their renderings. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'documents-test-'));
  private renders = 0;

  write(name: string, bytes: Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** A fresh file name stem for a rendering. */
  nextRenderRoot(): string {
    this.renders += 1;
    return join(this.dir, `render-${this.renders}`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `qpdf --check`'s report; throws (with qpdf's output) on errors and on warnings (exit status 3). */
export function qpdfCheck(pdfPath: string): string {
  return execFileSync('qpdf', ['--check', pdfPath], { encoding: 'utf8' });
}

/** The text of each page, as `pdftotext -layout` lays it out. */
export function pageTexts(pdfPath: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
  // pdftotext ends every page with a form feed.
  return text.split('\f').slice(0, -1);
}

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array; // one byte a pixel, 0 black … 255 white
}

/** Renders one page in 8-bit grey with `pdftoppm -gray` (binary PGM, which needs no decoder). */
export function renderPageGray(scratch: Scratch, pdfPath: string, page: number, dpi: number): GrayImage {
  const root = scratch.nextRenderRoot();
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-f', String(page), '-l', String(page), '-singlefile', pdfPath, root]);
  return parsePgm(readFileSync(`${root}.pgm`));
}

/** Binary PGM (P5): "P5", width, height, maxval separated by whitespace (and # comments), one whitespace byte, pixels. */
export function parsePgm(bytes: Uint8Array): GrayImage {
  const fields: string[] = [];
  let pos = 0;
  while (fields.length < 4) {
    while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
    if (bytes[pos] === 0x23) {
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
      continue;
    }
    let field = '';
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]!))) field += String.fromCharCode(bytes[pos++]!);
    if (!field) throw new Error('truncated PGM header');
    fields.push(field);
  }
  const [magic, width, height, maxval] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (magic !== 'P5' || maxval !== 255) throw new Error(`expected an 8-bit binary PGM, got ${magic} with maxval ${maxval}`);
  const pixels = bytes.subarray(pos + 1, pos + 1 + width * height);
  if (pixels.length !== width * height) throw new Error('truncated PGM pixels');
  return { width, height, pixels };
}

/** Pixels darker than mid-grey. */
export function darkPixels(image: GrayImage): number {
  return image.pixels.reduce((count, value) => count + (value < 128 ? 1 : 0), 0);
}

/** Pixels whose grey levels differ by more than `tolerance` (anti-aliasing may wobble a little). */
export function differingPixels(a: GrayImage, b: GrayImage, tolerance = 48): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`image sizes differ: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let count = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i]! - b.pixels[i]!) > tolerance) count++;
  return count;
}

/** The text of the whole document in drawing order (`pdftotext -raw`), without whitespace: a cell that wraps reads as one run. */
export function rawText(pdfPath: string): string {
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

/**
 * Whether every page carries the 「案」 stamp of a draft. The stamp is drawn as a shape, not as text (so
 * that it stays out of extracted text), inside a marked-content sequence that declares it a watermark
 * artifact; this looks for that sequence, with a filled path in it, in each page's content streams.
 */
export function hasDraftStamp(pdfPath: string): boolean {
  const pages = contentStreamsByPage(pdfPath);
  const stamp = /\/Artifact\s*<<[^>]*\/Subtype\s*\/Watermark[^>]*>>\s*BDC[\s\S]*?\sf\s[\s\S]*?EMC/;
  return pages.length > 0 && pages.every((content) => stamp.test(content));
}

/** The uncompressed content streams of each page (`qpdf --qdf`), joined per page. */
export function contentStreamsByPage(pdfPath: string): string[] {
  const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', pdfPath, '-'], { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 });
  const pageCount = (qdf.match(/^%% Page \d+$/gm) ?? []).length;
  const pages: string[] = Array.from({ length: pageCount }, () => '');
  // In QDF output every object is preceded by "%% Original object ID"; a page's content streams by "%% Contents for page N".
  const parts = qdf.split(/^(?=%% Contents for page \d+$)/m).slice(1);
  for (const part of parts) {
    const page = Number(/^%% Contents for page (\d+)/.exec(part)![1]);
    const end = part.indexOf('endstream');
    pages[page - 1] += part.slice(0, end < 0 ? undefined : end);
  }
  return pages;
}

/** The text of one page (`pdftotext -layout -f N -l N`), 1-based. */
export function pageText(pdfPath: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), pdfPath, '-'], { encoding: 'utf8' });
}

/** The 1-based numbers of the pages whose text contains `needle`. */
export function pagesContaining(pages: readonly string[], needle: string): number[] {
  return pages.flatMap((text, i) => (text.includes(needle) ? [i + 1] : []));
}

export interface WordBox {
  /** 1-based page number. */
  readonly page: number;
  readonly text: string;
  /** In PDF points from the top-left corner of the page (pdftotext's convention). */
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
}

/** Every word pdftotext finds, with its box (`pdftotext -bbox`). */
export function wordBoxes(pdfPath: string): WordBox[] {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' });
  const boxes: WordBox[] = [];
  html.split(/<page\b/).slice(1).forEach((pageHtml, index) => {
    for (const m of pageHtml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      const text = m[5]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      boxes.push({ page: index + 1, text, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) });
    }
  });
  return boxes;
}
