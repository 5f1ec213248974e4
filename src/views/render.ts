import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Ctx } from '../context.ts';

/**
 * Every form that posts is sent with autocomplete="off": a browser going Back to a page whose form
 * was just sent would otherwise show it filled in again, ready to post the same thing twice. (An input
 * that names its own autocomplete, such as a sign-in address, keeps it.)
 */
export function unrestoredPostForms(page: string): string {
  return page.replace(/<form\b[^>]*>/g, (tag) => (/\smethod="post"/i.test(tag) && !/\sautocomplete=/i.test(tag) ? tag.replace(/^<form\b/, '<form autocomplete="off"') : tag));
}

/** Sends a page with its doctype. */
export async function renderPage(c: Ctx, page: unknown, status: ContentfulStatusCode = 200) {
  const body = await html`<!DOCTYPE html>${page}`;
  return c.html(unrestoredPostForms(String(body)), status);
}
