import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DocumentPayload, RenderOptions, RenderedDocument } from './template.ts';
import type { RenderRequest, RendererMessage, RendererThreadData } from './worker-main.ts';

/** A template that cannot be filled or drawn: the operator's to fix; the user sees a plain error. */
export class DocumentTemplateError extends Error {}

/**
 * The document renderer: a pool of threads that draw PDFs, so that drawing a long document never holds
 * up the requests the main thread is serving, and documents asked for at the same time are drawn side
 * by side rather than one after another.
 *
 *  - One thread per core by default (`os.availableParallelism()`, at most MAX_DEFAULT_THREADS: each thread
 *    holds its own fonts and warm-up), or as many as `startDocumentRenderer` is told.
 *  - Started ahead of need (`startDocumentRenderer`, at server start-up), every thread starts at once and
 *    warms up (fonts parsed, every template drawn on council-sized tables), so the first document is as
 *    quick as the next ones. Threads are then kept, not stopped when idle. A pool not started ahead
 *    starts one thread with the first document and grows a thread at a time while all are busy.
 *  - A document goes to a warm thread before one still warming up, then to the one with the fewest
 *    documents waiting.
 *  - A thread that dies fails only the documents it was drawing and is replaced.
 *  - Idle threads never keep the process alive; a thread with documents to draw, or warming up ahead of
 *    need, does.
 */

export interface DocumentRendererOptions {
  /** how many threads draw documents (at least 1); the machine's cores by default */
  threads?: number;
}

interface Waiting {
  resolve: (done: RenderedDocument) => void;
  reject: (err: Error) => void;
}

interface RendererThread {
  readonly worker: Worker;
  readonly pending: Map<number, Waiting>;
  /** settles once the thread has warmed up (or died trying) */
  readonly warm: Promise<void>;
  ready: boolean;
  /** templates drawn while warming up */
  drawn: number;
  dead: boolean;
}

const THREAD_GONE = '文書作成スレッドが終了しました。';

/** The threads by slot; an empty slot is filled by the next document. */
let slots: (RendererThread | undefined)[] = [];
/** The pool's size as configured; the machine's cores until `startDocumentRenderer` says otherwise. */
let configured: number | undefined;
let nextId = 1;

/** A large machine does not start a thread per core: documents are issued a few at a time. */
const MAX_DEFAULT_THREADS = 4;
const defaultThreads = () => Math.max(1, Math.min(MAX_DEFAULT_THREADS, availableParallelism()));

/** An idle, warm thread never keeps the process alive; one with documents to draw (or warming up ahead of need) does. */
function unrefWhenIdle(thread: RendererThread): void {
  if (thread.ready && thread.pending.size === 0) thread.worker.unref();
}

function checkedThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`文書作成スレッドの数は1以上の整数で指定してください（${threads}）。`);
  return threads;
}

function spawn(slot: number, warm: RendererThreadData['warm']): RendererThread {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { warm } satisfies RendererThreadData });
  let warmed!: () => void;
  const thread: RendererThread = { worker, pending: new Map(), warm: new Promise((resolve) => (warmed = resolve)), ready: false, drawn: 0, dead: false };

  worker.on('message', (message: RendererMessage) => {
    if ('ready' in message) {
      thread.ready = true;
      thread.drawn = message.drawn;
      unrefWhenIdle(thread);
      warmed();
      return;
    }
    const waiting = thread.pending.get(message.id);
    if (!waiting) return;
    thread.pending.delete(message.id);
    unrefWhenIdle(thread);
    if ('bytes' in message) waiting.resolve({ bytes: message.bytes, warnings: message.warnings });
    else waiting.reject(message.error.template ? new DocumentTemplateError(message.error.message) : new Error(message.error.message));
  });

  // a thread that dies takes its own documents with it, and no others
  const died = (err: Error) => {
    if (thread.dead) return;
    thread.dead = true;
    warmed();
    for (const { reject } of thread.pending.values()) reject(err);
    thread.pending.clear();
    // a stopped pool has emptied its slots: its threads are not replaced
    if (slots[slot] !== thread) return;
    slots[slot] = undefined;
    // one that had been working is replaced at once; one that died warming up is started again by the
    // next document, so a thread that cannot start does not restart in a loop
    if (thread.ready) slots[slot] = spawn(slot, 'draw');
  };
  worker.on('error', died);
  worker.on('exit', () => died(new Error(THREAD_GONE)));
  return thread;
}

const poolSize = () => configured ?? defaultThreads();
const live = () => slots.filter((t): t is RendererThread => t !== undefined && !t.dead);

/** Starts a thread in every empty slot: the whole pool, warmed by drawing, when started ahead of need. */
function fill(): RendererThread[] {
  for (let i = 0; i < poolSize(); i++) slots[i] ??= spawn(i, 'draw');
  return live();
}

/** Starts one more thread in the first empty slot, if the pool is not full. */
function grow(): void {
  for (let i = 0; i < poolSize(); i++) {
    if (!slots[i]) {
      slots[i] = spawn(i, 'fonts');
      return;
    }
  }
}

/** A warm thread before one still warming up, then the one with the fewest documents waiting; the first slot on a tie. */
function leastBusy(threads: RendererThread[]): RendererThread {
  const rank = (t: RendererThread) => (t.ready ? 0 : 1_000_000) + t.pending.size;
  let best = threads[0]!;
  for (const thread of threads) if (rank(thread) < rank(best)) best = thread;
  return best;
}

/** The thread for the next document; a pool not started ahead grows a thread at a time, while every thread is busy. */
function pick(): RendererThread {
  if (live().length === 0) grow();
  const chosen = leastBusy(live());
  if (chosen.pending.size === 0) return chosen;
  grow();
  return leastBusy(live());
}

/**
 * Starts every renderer thread and answers once all are warm. The server calls it at start-up so that
 * the first document is drawn by a warm thread. A different `threads` than the running pool's stops
 * the pool and starts one of the new size.
 */
export async function startDocumentRenderer(options: DocumentRendererOptions = {}): Promise<void> {
  const wanted = checkedThreads(options.threads ?? poolSize());
  if (wanted !== poolSize() && slots.some(Boolean)) await stopDocumentRenderer();
  configured = wanted;
  await Promise.all(fill().map((thread) => thread.warm));
}

/** Draws a document on the least busy renderer thread. */
export function renderDocument(name: string, payload: DocumentPayload, options: RenderOptions): Promise<RenderedDocument> {
  const thread = pick();
  const id = nextId++;
  const request: RenderRequest = { id, name, payload, options };
  return new Promise((resolve, reject) => {
    if (thread.pending.size === 0) thread.worker.ref();
    thread.pending.set(id, { resolve, reject });
    try {
      thread.worker.postMessage(request);
    } catch (err) {
      // a payload that cannot be sent to the thread (a function, a symbol …)
      thread.pending.delete(id);
      unrefWhenIdle(thread);
      reject(err as Error);
    }
  });
}

/** What the pool is doing: its threads, how many are warm, the templates each drew warming up, and the documents each has to draw. */
export function documentRendererStatus(): { threads: number; ready: number; warmedTemplates: number[]; pending: number[] } {
  const threads = live();
  return { threads: threads.length, ready: threads.filter((t) => t.ready).length, warmedTemplates: threads.map((t) => t.drawn), pending: threads.map((t) => t.pending.size) };
}

/** The threads' workers, in slot order: for tests that stop one as a crash would. */
export function documentRendererWorkersForTesting(): Worker[] {
  return live().map((t) => t.worker);
}

/**
 * Stops every renderer thread (on shutdown; tests). Documents still being drawn fail; a later document
 * starts the pool again, of the size last configured.
 */
export async function stopDocumentRenderer(): Promise<void> {
  const stopping = slots.filter((t): t is RendererThread => t !== undefined);
  slots = [];
  await Promise.all(stopping.map((thread) => thread.worker.terminate()));
}
