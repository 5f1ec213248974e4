import { PDFDocument, PDFName, PDFPage, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fontCacheStats, loadJapaneseFont } from '../../src/documents/fonts.ts';
import { PRODUCT_NAME, type TableColumn, createDocument, formatYen } from '../../src/documents/layout.ts';
import { Scratch, assertPdfToolsInstalled, darkPixels, differingPixels, hasDraftStamp, pageTexts, qpdfCheck, renderPageGray } from './pdf-tools.ts';

const ISSUED_AT = new Date('2026-04-01T00:00:00+09:00');
const AUTHOR = '熊本県市町村電子自治体共同運営協議会';
// Header texts that no body cell contains, so finding them on a page means the header row is there.
const COLUMNS: TableColumn[] = [
  { header: '要件ID', width: 54 },
  { header: '要件内容', width: { fraction: 0.5 } },
  { header: '必須区分', width: 48, align: 'center' },
  { header: '見積額', align: 'right' },
];
const ROW_COUNT = 70;
const requirementId = (i: number) => `REQ-${String(i).padStart(3, '0')}`;

/** A draft requirements list whose table runs over three pages (at the current layout constants); no text in it contains 案 but the draft's date line. */
async function buildRequirementsList(options: { fontSubset?: boolean; draft?: boolean } = {}): Promise<Uint8Array> {
  const doc = await createDocument({
    title: '住民記録システム 機能要件一覧',
    author: AUTHOR,
    subject: '共同調達 機能要件',
    issuedAt: ISSUED_AT,
    draft: true,
    ...options,
  });
  doc.titleBlock('標準準拠システムへの移行に係る共同調達');
  doc.heading('1. 概要');
  doc.paragraph(
    '本書は、構成団体が共同で調達する住民記録システムについて、必須とする機能を一覧にしたものである。「必須区分」欄の○は必須、—は任意を表す。金額は税込とする。',
  );
  doc.heading('2. 機能要件', 2);
  const rows = Array.from({ length: ROW_COUNT }, (_, index) => {
    const i = index + 1;
    return [
      requirementId(i),
      // Every fourth requirement wraps onto a second line of its cell.
      i % 4 === 0 ? '住民票の写しの交付に際し、窓口で確認した本人確認書類の種類と確認者を記録すること。' : '本人確認の記録を残すこと。',
      i % 3 === 0 ? '○' : '—',
      formatYen(i * 123_450),
    ];
  });
  doc.table({ columns: COLUMNS, rows });
  return doc.finish();
}

const scratch = new Scratch();
let subsetPath = '';
let pages: string[] = [];

beforeAll(async () => {
  assertPdfToolsInstalled();
  subsetPath = scratch.write('requirements.pdf', await buildRequirementsList());
  pages = pageTexts(subsetPath);
});

afterAll(() => scratch.remove());

describe('a multi-page Japanese table document', () => {
  it('passes qpdf --check', () => {
    expect(qpdfCheck(subsetPath)).toContain('No syntax or stream encoding errors found');
  });

  it('spans at least three pages, each numbered "n / N" in its footer', () => {
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // pdftotext -layout may close up the spaces around the slash.
    pages.forEach((text, i) => expect(text).toMatch(new RegExp(`\\b${i + 1} ?/ ?${pages.length}\\b`)));
  });

  it('has the title block and the Japanese text', () => {
    const first = pages[0]!;
    expect(first).toContain('住民記録システム 機能要件一覧');
    expect(first).toContain('令和8年4月1日（2026年4月1日）');
    expect(first).toContain(AUTHOR);
    expect(first).toContain('住民票の写しの交付に際し');
    expect(first).toContain('1,234,500円'); // row 10, right-aligned
  });

  it('repeats the header row on every page', () => {
    pages.forEach((text) => {
      for (const column of COLUMNS) expect(text).toContain(column.header);
    });
  });

  it('puts each row on exactly one page, in order', () => {
    const pageOfRow = Array.from({ length: ROW_COUNT }, (_, index) => {
      const id = requirementId(index + 1);
      const found = pages.flatMap((text, page) => (text.includes(id) ? [page] : []));
      expect(found, id).toHaveLength(1);
      return found[0]!;
    });
    expect(pageOfRow).toEqual([...pageOfRow].sort((a, b) => a - b));
  });

  it('stamps 案 on every page of a draft as a shape, leaving it out of the text', async () => {
    expect(hasDraftStamp(subsetPath)).toBe(true);
    // The only 案 in the text is the date line's （案）.
    expect(pages[0]!.match(/案/g)).toEqual(['案']);
    expect(pages[0]).toMatch(/（2026年4月1日）（案）/);
    pages.slice(1).forEach((text, i) => expect(text, `page ${i + 2}`).not.toContain('案'));
    // And it is there to see: the same pages without it differ over a large faint area (the stamp is
    // 15 % grey, so it changes white by about 19 levels, which a tolerance of 8 sees).
    const finalPath = scratch.write('requirements-final.pdf', await buildRequirementsList({ draft: false }));
    expect(hasDraftStamp(finalPath)).toBe(false);
    for (const page of [1, 2, 3]) {
      const draft = renderPageGray(scratch, subsetPath, page, 40);
      const final = renderPageGray(scratch, finalPath, page, 40);
      expect(differingPixels(draft, final, 8), `page ${page}`).toBeGreaterThan(draft.width * draft.height * 0.04);
    }
  });

  it('draws the same glyphs as the whole font does, so a subset cannot render blank', async () => {
    const fullPath = scratch.write('requirements-full-font.pdf', await buildRequirementsList({ fontSubset: false }));
    // The control: the same layout with no glyphs at all, which is what a broken subset looks like.
    const noText = vi.spyOn(PDFPage.prototype, 'drawText').mockImplementation(() => undefined);
    const blankPath = scratch.write('requirements-no-glyphs.pdf', await buildRequirementsList());
    noText.mockRestore();

    const subset = renderPageGray(scratch, subsetPath, 1, 50);
    const full = renderPageGray(scratch, fullPath, 1, 50);
    const blank = renderPageGray(scratch, blankPath, 1, 50);
    // Not blank: text, rules and table borders darken a good share of an A4 page even at 50 dpi.
    const dark = darkPixels(full);
    expect(dark / (full.width * full.height)).toBeGreaterThan(0.02);
    expect(darkPixels(subset)).toBeGreaterThan(dark * 0.97);
    // Missing glyphs change a large share of the page; the subset differs from the whole font only by a
    // few pixels, because pdf-lib's whole-font embedding gives contextual digit forms (as in "REQ-010")
    // the default 1-em width, spacing those digits out a little.
    const missingGlyphs = differingPixels(blank, full);
    expect(missingGlyphs).toBeGreaterThan(dark * 0.5);
    expect(differingPixels(subset, full)).toBeLessThan(Math.min(dark * 0.05, missingGlyphs * 0.1));
  });
});

describe('a row taller than a page', () => {
  it('continues on the next pages under the header row, every line drawn once', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `経過記録${String(i + 1).padStart(3, '0')}`);
    const doc = await createDocument({ title: '経過記録', author: AUTHOR, issuedAt: ISSUED_AT });
    doc.keyValue([
      ['件名', '住民記録システム共同調達'],
      ['予定価格', formatYen(98_765_432)],
    ]);
    doc.table({ columns: [{ header: '区分', width: 80 }, { header: '経過' }], rows: [['全体', lines.join('\n')], ['備考', '以上']] });
    const path = scratch.write('tall-row.pdf', await doc.finish());
    qpdfCheck(path);
    const texts = pageTexts(path);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts[0]).toContain('98,765,432円');
    texts.forEach((text) => expect(text).toContain('区分'));
    for (const line of lines) expect(texts.filter((text) => text.includes(line)), line).toHaveLength(1);
    expect(texts[texts.length - 1]).toContain('以上');
  });
});

describe('fonts and size', () => {
  it('reads and parses each font file once per process, however many documents are made', async () => {
    await Promise.all([1, 2, 3].map(async () => (await createDocument({ title: 't', author: AUTHOR, issuedAt: ISSUED_AT })).paragraph('同時に作成').finish()));
    expect(fontCacheStats()).toEqual({ fileReads: 2, parses: 2 });
  });

  it('keeps a two-page document with hundreds of distinct kanji well under 200 KB', async () => {
    const { font } = await loadJapaneseFont('regular');
    const kanji: string[] = [];
    // Every 29th code point of the CJK block that the font covers: 400 kanji, the same on every run.
    for (let cp = 0x4e00; kanji.length < 400 && cp <= 0x9fff; cp += 29) if (font.hasGlyphForCodePoint(cp)) kanji.push(String.fromCodePoint(cp));
    const doc = await createDocument({ title: '漢字の多い文書', author: AUTHOR, issuedAt: ISSUED_AT });
    doc.titleBlock();
    doc.paragraph(kanji.slice(0, 200).join(''));
    doc.pageBreak();
    doc.paragraph(kanji.slice(200).join(''));
    const bytes = await doc.finish();
    expect(doc.pageCount).toBe(2);
    expect(new Set(kanji).size).toBe(400);
    expect(bytes.length).toBeLessThan(200_000);
    const path = scratch.write('kanji.pdf', bytes);
    expect(pageTexts(path).join('')).toContain(kanji.slice(0, 20).join(''));
  });
});

describe('metadata', () => {
  it('takes title, author, dates and product name from the caller, and the same input gives the same bytes', async () => {
    const make = async () => {
      const doc = await createDocument({
        title: '評価結果通知書',
        author: AUTHOR,
        subject: '提案評価',
        issuedAt: ISSUED_AT,
        createdAt: new Date('2026-04-01T09:30:00+09:00'),
      });
      doc.titleBlock().paragraph('評価の結果を通知します。');
      return doc.finish();
    };
    const bytes = await make();
    expect(Buffer.from(await make()).equals(Buffer.from(bytes))).toBe(true);
    const loaded = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(loaded.getTitle()).toBe('評価結果通知書');
    expect(loaded.getAuthor()).toBe(AUTHOR);
    expect(loaded.getSubject()).toBe('提案評価');
    expect(loaded.getCreator()).toBe(PRODUCT_NAME);
    expect(loaded.getProducer()).toBe(PRODUCT_NAME);
    expect(loaded.getCreationDate()?.toISOString()).toBe('2026-04-01T00:30:00.000Z');
    // The document's language is Japanese: /Lang (ja) in the catalog, as BCP 47 has it with no region.
    const lang = loaded.catalog.lookup(PDFName.of('Lang'));
    expect(lang).toBeInstanceOf(PDFString);
    expect((lang as PDFString).decodeText()).toBe('ja');
  });
});
