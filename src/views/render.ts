import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Ctx } from '../context.ts';

/** Sends a page with its doctype. */
export function renderPage(c: Ctx, page: unknown, status: ContentfulStatusCode = 200) {
  return c.html(html`<!DOCTYPE html>${page}`, status);
}
