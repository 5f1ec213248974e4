import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_HEIGHT, CONTENT_WIDTH, MARGIN_LEFT, type DocumentOptions, type PdfDocumentBuilder, createDocument } from '../../src/documents/layout.ts';
import { renderTemplate } from '../../src/documents/template.ts';
import {
  Scratch,
  assertPdfToolsInstalled,
  differingPixels,
  hasDraftStamp,
  pageText,
  pageTexts,
  pagesContaining,
  qpdfCheck,
  rawText,
  renderPageGray,
  wordBoxes,
} from './pdf-tools.ts';

const ISSUED_AT = new Date('2026-04-01T00:00:00+09:00');
const AUTHOR = '岐阜県・市町村DX推進連絡協議会';

// The layout's leading, as layout.ts sets it: body lines 10.5pt × 1.7, table lines 9pt × 1.45 with 3pt
// padding above and below, a level-2 heading 10 before + 12pt × 1.5 + 6 after, a level-1 one 14 + 14pt × 1.5 + 6.
const BODY_LINE = 10.5 * 1.7;
const TABLE_ROW = (lines: number) => lines * 9 * 1.45 + 2 * 3;
const HEADING_2 = 10 + 12 * 1.5 + 6;
const HEADING_1 = 14 + 14 * 1.5 + 6;

const scratch = new Scratch();
let written = 0;

beforeAll(() => assertPdfToolsInstalled());
afterAll(() => scratch.remove());

async function build(draw: (doc: PdfDocumentBuilder) => void, options: Partial<DocumentOptions> = {}): Promise<{ path: string; bytes: Uint8Array; doc: PdfDocumentBuilder }> {
  const doc = await createDocument({ title: '組版の確認', author: AUTHOR, issuedAt: ISSUED_AT, ...options });
  draw(doc);
  const bytes = await doc.finish();
  written += 1;
  const path = scratch.write(`typography-${written}.pdf`, bytes);
  qpdfCheck(path);
  return { path, bytes, doc };
}

/** Moves the cursor of a fresh page down so that `available` points are left above the bottom margin. */
const leave = (doc: PdfDocumentBuilder, available: number) => doc.space(CONTENT_HEIGHT - available);

describe('the draft stamp', () => {
  const members = Array.from({ length: 36 }, (_, i) => `参加団体${String(i + 1).padStart(2, '0')}`);
  const draw = (doc: PdfDocumentBuilder) =>
    doc.table({
      columns: [{ header: '参加団体', width: { fraction: 0.5 } }, { header: '区分' }],
      rows: members.map((name, i) => [name, i % 2 ? '市' : '町']),
    });

  it('stays out of the text: every cell reads intact and no 案 is extracted', async () => {
    const { path } = await build(draw, { draft: true });
    const text = pageTexts(path).join('');
    for (const name of members) expect(text, name).toContain(name);
    expect(rawText(path)).not.toContain('案');
    expect(text).not.toContain('案');
  });

  it('is still on the page, faint across its middle, and marked as a watermark', async () => {
    const draft = await build(draw, { draft: true });
    const final = await build(draw);
    expect(hasDraftStamp(draft.path)).toBe(true);
    expect(hasDraftStamp(final.path)).toBe(false);
    const a = renderPageGray(scratch, draft.path, 1, 40);
    const b = renderPageGray(scratch, final.path, 1, 40);
    // Faint: nothing the stamp covers turns dark …
    expect(differingPixels(a, b, 48)).toBe(0);
    // … but a large area of the page changes a little.
    expect(differingPixels(a, b, 8)).toBeGreaterThan(a.width * a.height * 0.04);
  });
});

describe('characters that share a glyph', () => {
  const lines = ['9:00～17:00 と 9:00〜17:00', '9:00〜17:00 と 9:00～17:00', '－1 と −1、‖ と ∥、士 と ⼠、￥ と ¥'];

  it('read back as written: ～ (U+FF5E) and 〜 (U+301C) keep their own code points', async () => {
    const { path } = await build((doc) => {
      doc.heading('受付時間 9:00～17:00（〜は波ダッシュ）');
      for (const line of lines) doc.paragraph(line);
      doc.table({ columns: [{ header: '時間～' }, { header: '時間〜' }], rows: [['8:30～', '〜17:15']] });
    });
    const text = rawText(path);
    for (const line of lines) expect(text).toContain(line.replace(/\s+/g, ''));
    expect(text).toContain('受付時間9:00～17:00（〜は波ダッシュ）');
    expect(text).toContain('時間～時間〜8:30～〜17:15');
    const count = (s: string, ch: string) => s.split(ch).length - 1;
    expect(count(text, '～')).toBe(5);
    expect(count(text, '〜')).toBe(5);
  });
});

describe('characters the fonts cannot draw', () => {
  it('print as 〓, are named in the warnings once each, and keep the layout measured', async () => {
    const { path, doc } = await build((d) => {
      d.paragraph('了解です😀 よろしくお願いします😀');
      d.issuerBlock(['担当 山田👍🏽']);
    });
    const text = rawText(path);
    expect(text).toContain('了解です〓よろしくお願いします〓');
    expect(text).toContain('担当山田〓');
    expect(text).not.toMatch(/😀|👍|\u{1F3FD}|\uFFFD/u);
    expect(doc.warnings()).toEqual([
      '描画できない文字 😀（U+1F600）を〓で置き換えました。',
      '描画できない文字 👍🏽（U+1F44D U+1F3FD）を〓で置き換えました。',
    ]);
    // The right-aligned line was measured with its 〓: it ends at the right margin.
    const box = wordBoxes(path).find((w) => w.text.endsWith('山田〓'))!;
    expect(box.xMax).toBeCloseTo(MARGIN_LEFT + CONTENT_WIDTH, 1);
  });

  it('reach the caller of renderTemplate as warnings, with the document titled as the case is', async () => {
    const dir = join(scratch.dir, 'templates');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'notice.yaml'),
      ['title: "{{case.title}} 連絡票"', 'blocks:', '  - heading: "1. 連絡事項"', '  - paragraph: "{{case.note}}"', '  - table: members', ''].join('\n'),
    );
    const payload = {
      case: { title: '電子契約システム', note: '受付は9:00～17:00です😀' },
      tables: { members: { columns: [{ header: '団体' }, { header: '備考' }], rows: [['大垣市', '了解です😀']] } },
    };
    const rendered = await renderTemplate('notice', payload, { author: AUTHOR, issuedAt: ISSUED_AT, templateDir: `${dir}/` });
    expect(rendered.warnings).toEqual(['描画できない文字 😀（U+1F600）を〓で置き換えました。']);
    const path = scratch.write('notice.pdf', rendered.bytes);
    expect(rawText(path)).toContain('受付は9:00～17:00です〓');
    expect(rawText(path)).toContain('大垣市了解です〓');
    const loaded = await PDFDocument.load(rendered.bytes, { updateMetadata: false });
    expect(loaded.getTitle()).toBe('電子契約システム 連絡票');
    const draft = await renderTemplate('notice', payload, { author: AUTHOR, issuedAt: ISSUED_AT, templateDir: `${dir}/`, draft: true });
    expect((await PDFDocument.load(draft.bytes, { updateMetadata: false })).getTitle()).toBe('電子契約システム 連絡票（案）');
  });
});

describe('headings keep with what follows', () => {
  const fourLines = '一行目\n二行目\n三行目\n四行目';

  it('moves a heading to the next page when the table header and first row do not fit under it', async () => {
    // Room for the heading and 55pt: more than two body lines, less than the header and a 4-line row.
    const room = HEADING_2 + 55;
    expect(55).toBeGreaterThan(2 * BODY_LINE);
    expect(55).toBeLessThan(TABLE_ROW(1) + TABLE_ROW(4));
    const { path } = await build((doc) => {
      leave(doc, room);
      doc.heading('2. 参加団体の一覧', 2);
      doc.table({ columns: [{ header: '団体名', width: 120 }, { header: '経過' }], rows: [['ROW01', fourLines], ['ROW02', '以上']] });
    });
    expect(pageText(path, 1)).not.toContain('参加団体の一覧');
    expect(pageText(path, 2)).toContain('参加団体の一覧');
    expect(pageText(path, 2)).toContain('ROW01');
  });

  it('does the same before a key–value grid, and carries a run of headings over together', async () => {
    const { path } = await build((doc) => {
      leave(doc, HEADING_1 + 50);
      doc.heading('1. 調達の概要');
      doc.keyValue([
        ['件名', fourLines],
        ['予定価格', '4,500,000円'],
      ]);
      doc.pageBreak();
      leave(doc, HEADING_1 + HEADING_2 + 55);
      doc.heading('2. 仕様');
      doc.heading('2.1 機能要件', 2);
      doc.table({ columns: [{ header: '要件', width: 120 }, { header: '内容' }], rows: [['REQ01', fourLines]] });
    });
    const pages = pageTexts(path);
    expect(pagesContaining(pages, '調達の概要')).toEqual(pagesContaining(pages, '件名'));
    expect(pagesContaining(pages, '調達の概要')).toEqual([2]);
    expect(pagesContaining(pages, '2. 仕様')).toEqual([4]);
    expect(pagesContaining(pages, '2.1 機能要件')).toEqual([4]);
    expect(pagesContaining(pages, 'REQ01')).toEqual([4]);
  });

  it('keeps at least two lines of a paragraph under a heading', async () => {
    const { path } = await build((doc) => {
      leave(doc, HEADING_2 + BODY_LINE + 5);
      doc.heading('3. 留意事項', 2);
      doc.paragraph('段落-1\n段落-2\n段落-3\n段落-4\n段落-5');
    });
    const pages = pageTexts(path);
    expect(pagesContaining(pages, '留意事項')).toEqual([2]);
    expect(pagesContaining(pages, '段落-1')).toEqual([2]);
  });
});

describe('a table kept together', () => {
  const rows = [['ROW01', '一'], ['ROW02', '二'], ['ROW03', '三']];
  const columns = [{ header: '事業者', width: 120 }, { header: '結果' }];
  // room for the header and two one-line rows, not three
  const room = TABLE_ROW(1) * 3 + 2;

  it('moves whole to the next page, with its heading, when the rest of the page cannot hold it', async () => {
    const { path } = await build((doc) => {
      leave(doc, room + HEADING_2);
      doc.heading('第1回 入札', 2);
      doc.table({ columns, rows }, { keep: true });
    });
    expect(pageText(path, 1)).not.toContain('第1回');
    for (const text of ['第1回', 'ROW01', 'ROW03']) expect(pageText(path, 2)).toContain(text);
  });

  it('takes a short lead-in sentence along (keepWithNext), and a long paragraph is drawn where it stands', async () => {
    const { path } = await build((doc) => {
      leave(doc, BODY_LINE * 2 + TABLE_ROW(1) * 2);
      doc.paragraph('次の表の記号は、それぞれ次のオプションを表す。', { keepWithNext: true });
      doc.table({ columns, rows }, { keep: true });
    });
    expect(pageText(path, 1)).not.toContain('次の表の記号');
    for (const text of ['次の表の記号', 'ROW01', 'ROW03']) expect(pageText(path, 2)).toContain(text);
    const long = Array.from({ length: 6 }, (_, i) => `第${i + 1}文として、十分に長い説明の文章をここに書き連ねて、行を折り返させる。`).join('');
    const { path: longPath } = await build((doc) => {
      leave(doc, BODY_LINE * 3);
      doc.paragraph(long, { keepWithNext: true });
      doc.table({ columns, rows }, { keep: true });
    });
    expect(pageText(longPath, 1)).toContain('第1文');
  });

  it('takes the lines that report on it along when asked (followedBy)', async () => {
    const { path } = await build((doc) => {
      // room for the table, not for the table and its two result lines
      leave(doc, TABLE_ROW(1) * 4 + 10 + BODY_LINE);
      doc.table({ columns, rows }, { keep: true, followedBy: 2 });
      doc.paragraph('結果：落札者決定');
      doc.paragraph('落札者：株式会社電子契約');
    });
    expect(pageText(path, 1)).not.toContain('ROW01');
    for (const text of ['ROW01', 'ROW03', '結果：落札者決定', '落札者：株式会社電子契約']) expect(pageText(path, 2)).toContain(text);
  });

  it('is split as before without keep, and kept split when it is longer than a page', async () => {
    const { path } = await build((doc) => {
      leave(doc, room);
      doc.table({ columns, rows });
    });
    expect(pageText(path, 1)).toContain('ROW02');
    expect(pageText(path, 2)).toContain('ROW03');
    const long = Array.from({ length: 80 }, (_, i) => [`R${String(i).padStart(2, '0')}`, '行']);
    const { path: longPath } = await build((doc) => {
      leave(doc, room);
      doc.table({ columns, rows: long }, { keep: true });
    });
    expect(pageText(longPath, 1)).toContain('R00');
  });
});

describe('paragraphs across a page break', () => {
  const paragraph = (name: string, lines: number) => Array.from({ length: lines }, (_, i) => `${name}-${i + 1}行目`).join('\n');
  const pagesOfLines = (path: string, name: string, lines: number) => {
    const pages = pageTexts(path);
    return Array.from({ length: lines }, (_, i) => pagesContaining(pages, `${name}-${i + 1}行目`)[0]);
  };

  it('leaves no single line at the head of the next page (widow)', async () => {
    const { path } = await build((doc) => {
      leave(doc, 4 * BODY_LINE + 5);
      doc.paragraph(paragraph('A', 5));
    });
    expect(pagesOfLines(path, 'A', 5)).toEqual([1, 1, 1, 2, 2]);
  });

  it('leaves no single line at the foot of the page (orphan)', async () => {
    const { path } = await build((doc) => {
      leave(doc, BODY_LINE + 5);
      doc.paragraph(paragraph('B', 5));
    });
    expect(pagesOfLines(path, 'B', 5)).toEqual([2, 2, 2, 2, 2]);
  });

  it('moves a three-line paragraph whole', async () => {
    const { path } = await build((doc) => {
      leave(doc, 2 * BODY_LINE + 5);
      doc.paragraph(paragraph('C', 3));
    });
    expect(pagesOfLines(path, 'C', 3)).toEqual([2, 2, 2]);
  });
});

describe('table headers', () => {
  it('set a header a little smaller rather than wrap it in a narrow column', async () => {
    // 必須区分 in bold 9pt is 36pt wide; the column leaves 32pt inside its padding.
    const { path } = await build((doc) =>
      doc.table({ columns: [{ header: '要件', width: 60 }, { header: '必須区分', width: 40, align: 'center' }, { header: '内容' }], rows: [['REQ01', '○', '記録を残すこと。']] }),
    );
    expect(pageText(path, 1)).toMatch(/必須区分/);
  });
});

describe('output', () => {
  it('stays deterministic with a stamp, shared glyphs and replaced characters', async () => {
    const draw = (doc: PdfDocumentBuilder) => {
      doc.titleBlock();
      doc.heading('1. 概要');
      doc.paragraph('9:00～17:00 と 9:00〜17:00、😀');
    };
    const first = await build(draw, { draft: true });
    const second = await build(draw, { draft: true });
    expect(Buffer.from(first.bytes).equals(Buffer.from(second.bytes))).toBe(true);
  });
});
