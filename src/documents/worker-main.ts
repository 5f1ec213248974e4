import { readdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadJapaneseFont } from './fonts.ts';
import type { TableSpec } from './layout.ts';
import { type DocumentPayload, type RenderOptions, TemplateError, renderTemplate, templatesDir } from './template.ts';

export interface RenderRequest {
  id: number;
  name: string;
  payload: DocumentPayload;
  options: RenderOptions;
}

export type RenderReply = { id: number; bytes: Uint8Array; warnings: string[] } | { id: number; error: { template: boolean; message: string } };

/** What the thread does before its first document: `draw` parses the fonts and draws every template once, `fonts` only parses the fonts. */
export interface RendererThreadData {
  warm: 'draw' | 'fonts';
}

/** Sent once the thread is warm. */
export interface ReadyMessage {
  ready: true;
  /** how long warming took, in ms */
  warmMs: number;
}

export type RendererMessage = RenderReply | ReadyMessage;

// one document at a time, in the order asked; the main thread stays free for requests meanwhile
parentPort!.on('message', async (request: RenderRequest) => {
  try {
    const { bytes, warnings } = await renderTemplate(request.name, request.payload, request.options);
    parentPort!.postMessage({ id: request.id, bytes, warnings } satisfies RenderReply, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    parentPort!.postMessage({ id: request.id, error: { template: err instanceof TemplateError, message } } satisfies RenderReply);
  }
});

// A sample for every table a template names, so that warming draws tables as real documents do.
const sampleTable: TableSpec = {
  columns: [{ header: '団体名' }, { header: '区分' }, { header: '金額', align: 'right' }],
  rows: [
    ['長野市', '市', '1,234,000円'],
    ['小海町', '町', '—'],
    ['北相木村', '村', '○'],
  ],
};
const warmPayload: DocumentPayload = {
  tables: new Proxy({}, { get: () => sampleTable }),
  issuer: { lines: ['共同調達協議会', '会長　山田 太郎'], seal: 'box' },
  case: { title: '文書作成の準備', fiscalYearLabel: '令和8年度', methodLabel: '公募型プロポーザル', descriptionLines: ['本文の段落を一つ描いておく。'] },
};

/**
 * Makes the first real document as quick as the next ones: parses both fonts and draws every template
 * once, draft and final alternately, so that the template, layout, font and PDF code has run and been
 * compiled before anyone waits for it. A template that cannot be drawn here is reported when a document
 * asks for it, not now. A thread started for a document already waiting only parses the fonts: that
 * document warms it.
 */
async function warmUp(mode: RendererThreadData['warm']): Promise<void> {
  const started = performance.now();
  try {
    await Promise.all([loadJapaneseFont('regular'), loadJapaneseFont('bold')]);
    if (mode === 'fonts') return;
    const names = readdirSync(templatesDir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
    for (const [i, name] of names.entries()) {
      try {
        await renderTemplate(name, warmPayload, { author: '共同調達協議会', issuedAt: new Date('2026-04-01T00:00:00+09:00'), draft: i % 2 === 0, number: '準備第1号' });
      } catch {
        // a broken template is reported to whoever asks for it
      }
    }
  } catch {
    // fonts or templates that cannot be read fail each document with the reason; the thread stays
  } finally {
    parentPort!.postMessage({ ready: true, warmMs: performance.now() - started } satisfies ReadyMessage);
  }
}

void warmUp((workerData as RendererThreadData | undefined)?.warm ?? 'draw');
