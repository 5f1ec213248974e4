import { parentPort } from 'node:worker_threads';
import { type DocumentPayload, type RenderOptions, TemplateError, renderTemplate } from './template.ts';

export interface RenderRequest {
  id: number;
  name: string;
  payload: DocumentPayload;
  options: RenderOptions;
}

export type RenderReply = { id: number; bytes: Uint8Array; warnings: string[] } | { id: number; error: { template: boolean; message: string } };

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
