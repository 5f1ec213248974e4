import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentTemplateError, renderDocument, stopDocumentRenderer } from '../../src/documents/renderer.ts';
import { type DocumentPayload, renderTemplate } from '../../src/documents/template.ts';

const options = { author: '熊本県市町村電子自治体共同運営協議会', issuedAt: new Date('2026-04-01T00:00:00+09:00') };
const payload = (title: string): DocumentPayload => ({
  tables: { requirements: { columns: [{ header: '要件' }, { header: '区分' }], rows: [['本人確認の記録を残すこと。', '必須']] } },
  case: { title, fiscalYearLabel: '令和8年度', methodLabel: '公募型プロポーザル', contractModeLabel: '一括契約', descriptionLines: [] },
  sections: [],
});

afterAll(() => stopDocumentRenderer());

describe('the document renderer thread', () => {
  it('gives each caller its own document, byte for byte what the renderer draws in place', async () => {
    const titles = ['文書管理システム', '住民記録システム', 'AI議事録作成システム'];
    const rendered = (await Promise.all(titles.map((t) => renderDocument('spec', payload(t), { ...options, draft: true })))).map((r) => r.bytes);
    for (const [i, title] of titles.entries()) {
      expect(Buffer.from(rendered[i]!).subarray(0, 5).toString()).toBe('%PDF-');
      expect(Buffer.from(rendered[i]!).equals(Buffer.from((await renderTemplate('spec', payload(title), { ...options, draft: true })).bytes))).toBe(true);
    }
    expect(Buffer.from(rendered[0]!).equals(Buffer.from(rendered[1]!))).toBe(false);
  });

  it('reports a broken template as a template error, and keeps working after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wb-templates-'));
    try {
      await writeFile(join(dir, 'spec.yaml'), 'title: [unclosed\n');
      const broken = renderDocument('spec', payload('x'), { ...options, templateDir: `${dir}/` });
      await expect(broken).rejects.toBeInstanceOf(DocumentTemplateError);
      await expect(broken).rejects.toThrow('spec.yaml');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expect(renderDocument('no-such-template', payload('x'), options)).rejects.toThrow(/no-such-template/);
    const { bytes: again } = await renderDocument('spec', payload('続けて作成'), options);
    expect(Buffer.from(again).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('starts again after being stopped', async () => {
    await stopDocumentRenderer();
    const { bytes } = await renderDocument('spec', payload('再開'), options);
    expect(bytes.length).toBeGreaterThan(1000);
  });
});
