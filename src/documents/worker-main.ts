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
  /** how many templates the thread drew while warming (0 when it only parsed the fonts) */
  drawn: number;
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

// A sample for every table a template names, as long as a large council's (80 bodies × 8 options, a few
// pages), so that warming runs the table, pagination and text-shaping code as often as real documents do
// and the first of them is not the one that gets it compiled.
const places = ['長野市', '松本市', '上田市', '岡谷市', '飯田市', '諏訪市', '須坂市', '小諸市', '伊那市', '駒ヶ根市', '中野市', '大町市', '飯山市', '茅野市', '塩尻市', '佐久市', '千曲市', '東御市', '安曇野市', '小海町'];
const sampleTable: TableSpec = {
  columns: [{ header: '団体名' }, { header: '区分' }, ...Array.from({ length: 8 }, (_, k) => ({ header: `オプション${k + 1}`, align: 'center' as const })), { header: '金額', align: 'right' }],
  rows: Array.from({ length: 80 }, (_, i) => [
    i < places.length ? places[i]! : `${places[i % places.length]}第${i}区`,
    ['市', '町', '村'][i % 3]!,
    ...Array.from({ length: 8 }, (_, k) => ((i + k) % 3 === 0 ? '○' : (i + k) % 3 === 1 ? '—' : String(k + 1))),
    `${(12_345 * (i + 1)).toLocaleString('ja-JP')}円`,
  ]),
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
  let drawn = 0;
  try {
    await Promise.all([loadJapaneseFont('regular'), loadJapaneseFont('bold')]);
    if (mode === 'fonts') return;
    const names = readdirSync(templatesDir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
    for (const [i, name] of names.entries()) {
      try {
        await renderTemplate(name, warmPayload, { author: '共同調達協議会', issuedAt: new Date('2026-04-01T00:00:00+09:00'), draft: i % 2 === 0, number: '準備第1号' });
        drawn += 1;
      } catch {
        // a broken template is reported to whoever asks for it
      }
    }
  } catch {
    // fonts or templates that cannot be read fail each document with the reason; the thread stays
  } finally {
    parentPort!.postMessage({ ready: true, drawn } satisfies ReadyMessage);
  }
}

void warmUp((workerData as RendererThreadData | undefined)?.warm ?? 'draw');
