import { Worker } from 'node:worker_threads';
import type { DocumentPayload, RenderOptions, RenderedDocument } from './template.ts';
import type { RenderReply, RenderRequest } from './worker-main.ts';

/** A template that cannot be filled or drawn: the operator's to fix; the user sees a plain error. */
export class DocumentTemplateError extends Error {}

/** How long an idle renderer thread is kept before it is stopped (its fonts and PDF library freed). */
const IDLE_MS = 60_000;

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (done: RenderedDocument) => void; reject: (err: Error) => void }>();

function failAll(err: Error) {
  for (const { reject } of pending.values()) reject(err);
  pending.clear();
}

function start(): Worker {
  const thread = new Worker(new URL('./worker.mjs', import.meta.url));
  thread.unref();
  thread.on('message', (reply: RenderReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ('bytes' in reply) waiting.resolve({ bytes: reply.bytes, warnings: reply.warnings });
    else waiting.reject(reply.error.template ? new DocumentTemplateError(reply.error.message) : new Error(reply.error.message));
    if (pending.size === 0) idleTimer = setTimeout(() => void stopDocumentRenderer(), IDLE_MS).unref();
  });
  // a thread that dies takes its documents with it; the next request starts a new one
  thread.on('error', (err) => {
    if (worker === thread) worker = undefined;
    failAll(err);
  });
  thread.on('exit', () => {
    if (worker === thread) worker = undefined;
    failAll(new Error('文書作成スレッドが終了しました。'));
  });
  return thread;
}

/**
 * Renders a document on the renderer thread, so that drawing a long PDF never holds up the requests
 * the main thread is serving. Documents queue there one after another.
 */
export function renderDocument(name: string, payload: DocumentPayload, options: RenderOptions): Promise<RenderedDocument> {
  clearTimeout(idleTimer);
  worker ??= start();
  const id = nextId++;
  const request: RenderRequest = { id, name, payload, options };
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage(request);
  });
}

/** Stops the renderer thread (on shutdown, when idle); a later document starts it again. */
export async function stopDocumentRenderer(): Promise<void> {
  clearTimeout(idleTimer);
  const thread = worker;
  worker = undefined;
  if (thread && pending.size === 0) await thread.terminate();
  else if (thread) worker = thread;
}
