import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DocumentTemplateError,
  documentRendererStatus,
  documentRendererWorkersForTesting,
  renderDocument,
  startDocumentRenderer,
  stopDocumentRenderer,
} from '../../src/documents/renderer.ts';
import { type DocumentPayload, renderTemplate, templatesDir } from '../../src/documents/template.ts';
import { projectRoot } from '../helpers/process.ts';

const options = { author: '熊本県市町村電子自治体共同運営協議会', issuedAt: new Date('2026-04-01T00:00:00+09:00') };
const payload = (title: string): DocumentPayload => ({
  tables: { requirements: { columns: [{ header: '要件' }, { header: '区分' }], rows: [['本人確認の記録を残すこと。', '必須']] } },
  case: { title, fiscalYear: '令和8年度', fiscalYearLabel: '令和8年度', methodLabel: '公募型プロポーザル', contractModeLabel: '一括契約', descriptionLines: [] },
  sections: [],
});
const isPdf = (bytes: Uint8Array) => Buffer.from(bytes).subarray(0, 5).toString() === '%PDF-';
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

afterAll(() => stopDocumentRenderer());

describe('the document renderer threads', () => {
  it('start one thread per core (four at most) unless told otherwise', async () => {
    await startDocumentRenderer();
    const cores = Math.max(1, Math.min(4, availableParallelism()));
    expect(documentRendererStatus()).toMatchObject({ threads: cores, ready: cores });
    const { bytes } = await renderDocument('spec', payload('既定の数'), options);
    expect(isPdf(bytes)).toBe(true);
  }, 60_000);

  it('run as many threads as configured, each warm before the first document', async () => {
    await startDocumentRenderer({ threads: 3 });
    // each thread has drawn every template while warming (a warm-up that quietly drew nothing would show here)
    // (notifications.yaml holds the words of the notices, not a document)
    const templates = readdirSync(templatesDir).filter((f) => f.endsWith('.yaml') && f !== 'notifications.yaml').length;
    expect(documentRendererStatus()).toEqual({ threads: 3, ready: 3, warmedTemplates: [templates, templates, templates], pending: [0, 0, 0] });
    await expect(startDocumentRenderer({ threads: 0 })).rejects.toThrow(/1以上の整数/);
    expect(documentRendererStatus().threads).toBe(3);
  }, 60_000);

  it('give each of several callers at once its own document, byte for byte what the renderer draws in place, spread over the threads', async () => {
    await startDocumentRenderer({ threads: 3 });
    const titles = ['文書管理システム', '住民記録システム', 'AI議事録作成システム', '電子契約システム', '子育て支援アプリ', '施設予約システム'];
    const asked = titles.map((t) => renderDocument('spec', payload(t), { ...options, draft: true }));
    // the least busy thread takes each: two each
    expect(documentRendererStatus().pending).toEqual([2, 2, 2]);
    const rendered = (await Promise.all(asked)).map((r) => r.bytes);
    for (const [i, title] of titles.entries()) {
      expect(isPdf(rendered[i]!)).toBe(true);
      expect(same(rendered[i]!, (await renderTemplate('spec', payload(title), { ...options, draft: true })).bytes), title).toBe(true);
    }
    expect(same(rendered[0]!, rendered[1]!)).toBe(false);
    expect(documentRendererStatus().pending).toEqual([0, 0, 0]);
  }, 60_000);

  it('fail only the documents of a thread that dies, and replace the thread', async () => {
    await startDocumentRenderer({ threads: 2 });
    const first = renderDocument('spec', payload('落ちるスレッド'), options).then(
      () => 'drawn',
      (err: Error) => err.message,
    );
    const second = renderDocument('spec', payload('残るスレッド'), options);
    expect(documentRendererStatus().pending).toEqual([1, 1]);
    const [dying] = documentRendererWorkersForTesting();
    await dying!.terminate();
    expect(await first).toBe('文書作成スレッドが終了しました。');
    expect(isPdf((await second).bytes)).toBe(true);
    // the next documents are drawn, and the pool is whole again
    const next = await Promise.all([renderDocument('spec', payload('次の文書'), options), renderDocument('spec', payload('その次'), options)]);
    for (const { bytes } of next) expect(isPdf(bytes)).toBe(true);
    expect(documentRendererStatus().threads).toBe(2);
    expect(documentRendererWorkersForTesting()).not.toContain(dying);
  }, 60_000);

  it('report a broken template as a template error, and keep working after it', async () => {
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
    expect(isPdf(again)).toBe(true);
  }, 60_000);

  it('stop every thread; without a start, the next document starts one, and more start while all are busy', async () => {
    await startDocumentRenderer({ threads: 2 });
    await stopDocumentRenderer();
    expect(documentRendererStatus().threads).toBe(0);
    const { bytes } = await renderDocument('spec', payload('再開'), options);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(documentRendererStatus().threads).toBe(1);
    const three = ['一', '二', '三'].map((n) => renderDocument('spec', payload(`同時${n}`), options));
    // never more than configured
    expect(documentRendererStatus().threads).toBe(2);
    for (const { bytes: drawn } of await Promise.all(three)) expect(isPdf(drawn)).toBe(true);
  }, 60_000);

  it('keep a process alive while drawing, and never once idle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wb-renderer-'));
    try {
      const script = join(dir, 'draw.mts');
      const renderer = pathToFileURL(join(projectRoot, 'src/documents/renderer.ts')).href;
      await writeFile(
        script,
        `import { renderDocument, startDocumentRenderer } from ${JSON.stringify(renderer)};
await startDocumentRenderer({ threads: 2 });
const { bytes } = await renderDocument('spec', ${JSON.stringify(payload('別プロセス'))}, { author: 'x', issuedAt: new Date('2026-04-01T00:00:00+09:00') });
console.log('drawn', bytes.length);
`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      clearTimeout(timer);
      // exits by itself (not killed) once the document is drawn
      expect(code, output).toBe(0);
      expect(output).toMatch(/drawn \d{4,}/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
