import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatYen } from '../domain/money.ts';
import { type PdfDocumentBuilder, type TableSpec, createDocument, formatJapaneseDate } from './layout.ts';

/**
 * Document templates (templates/*.yaml), editable without code: the order of the sections, the fixed
 * wording, placeholders ({{case.title}}) and loops. The structure is YAML and data is only ever put into
 * leaf strings, so no value from a case can change the structure of a document.
 *
 *   title: "{{case.title}} 仕様書"        # the document title (PDF title too)
 *   subtitle: "…"                          # optional, under the title
 *   blocks:                                # drawn in order
 *     - heading: "1. 概要"                  # level 1; `level: 2` for a sub-heading
 *     - paragraph: "…{{case.description}}"
 *     - paragraphs: case.descriptionLines  # a list of strings from the payload
 *     - keyValue: [["件名", "{{case.title}}"], …]
 *     - table: memberOptions              # a table the payload provides (columns and rows)
 *       caption: "参加団体とオプション"
 *     - each: sections                    # repeat the blocks for each item ({{heading}}, {{@root.case.title}})
 *       blocks: [ … ]
 *     - if: evaluation                    # only when the payload has it (else: [ … ] otherwise)
 *       blocks: [ … ]
 *     - pageBreak: true
 *     - space: 12
 */

type Block =
  | { heading: string; level?: 1 | 2 }
  | { paragraph: string }
  | { paragraphs: string }
  | { keyValue: [string, string][] }
  | { table: string; caption?: string; empty?: string }
  | { each: string; blocks: Block[] }
  | { if: string; blocks: Block[]; else?: Block[] }
  | { pageBreak: true }
  | { space: number };

const blockSchema: z.ZodType<Block> = z.lazy(() =>
  z.union([
    z.object({ heading: z.string(), level: z.union([z.literal(1), z.literal(2)]).optional() }).strict(),
    z.object({ paragraph: z.string() }).strict(),
    z.object({ paragraphs: z.string() }).strict(),
    z.object({ keyValue: z.array(z.tuple([z.string(), z.string()])) }).strict(),
    z.object({ table: z.string(), caption: z.string().optional(), empty: z.string().optional() }).strict(),
    z.object({ each: z.string(), blocks: z.array(blockSchema) }).strict(),
    z.object({ if: z.string(), blocks: z.array(blockSchema), else: z.array(blockSchema).optional() }).strict(),
    z.object({ pageBreak: z.literal(true) }).strict(),
    z.object({ space: z.number().min(0).max(200) }).strict(),
  ]),
);

const templateSchema = z.object({ title: z.string(), subtitle: z.string().optional(), blocks: z.array(blockSchema) }).strict();
type Template = z.output<typeof templateSchema>;

export const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

export class TemplateError extends Error {}

const cache = new Map<string, { mtimeMs: number; template: Template }>();

/** Reads and checks a template; re-read when the file changes, so an edit shows on the next download. */
export function loadTemplate(name: string, dir = templatesDir): Template {
  const path = `${dir}${name}.yaml`;
  const { mtimeMs } = statSync(path);
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.template;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TemplateError(`テンプレート ${name}.yaml を読み取れません: ${(err as Error).message}`);
  }
  const parsed = templateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TemplateError(`テンプレート ${name}.yaml の形式が正しくありません（${issue.path.join('.')}: ${issue.message}）`);
  }
  cache.set(path, { mtimeMs, template: parsed.data });
  return parsed.data;
}

const hbs = Handlebars.create();
hbs.registerHelper('yen', (v: unknown) => (typeof v === 'number' ? formatYen(v) : '—'));
hbs.registerHelper('date', (v: unknown) => (v ? formatJapaneseDate(new Date(String(v))).full : '—'));
hbs.registerHelper('or', (a: unknown, b: unknown) => (a === undefined || a === null || a === '' ? b : a));

const compiled = new Map<string, Handlebars.TemplateDelegate>();
function fill(text: string, context: unknown, root: unknown): string {
  let fn = compiled.get(text);
  if (!fn) {
    fn = hbs.compile(text, { noEscape: true, strict: false });
    compiled.set(text, fn);
  }
  return fn(context, { data: { root } });
}

/** A value in the payload by dotted path, looked up in the current item first, then at the root. */
function lookup(path: string, context: unknown, root: unknown): unknown {
  const walk = (from: unknown) => path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), from);
  const own = walk(context);
  return own !== undefined ? own : walk(root);
}

const present = (v: unknown) => v !== undefined && v !== null && v !== false && !(Array.isArray(v) && v.length === 0);

export interface DocumentPayload {
  /** tables the blocks refer to by name */
  tables: Record<string, TableSpec>;
  [key: string]: unknown;
}

function draw(doc: PdfDocumentBuilder, blocks: readonly Block[], context: unknown, root: DocumentPayload) {
  for (const block of blocks) {
    if ('heading' in block) doc.heading(fill(block.heading, context, root), block.level ?? 1);
    else if ('paragraph' in block) {
      const text = fill(block.paragraph, context, root);
      if (text.trim() !== '') doc.paragraph(text);
    } else if ('paragraphs' in block) {
      const list = lookup(block.paragraphs, context, root);
      for (const text of Array.isArray(list) ? list : []) if (String(text).trim() !== '') doc.paragraph(String(text));
    } else if ('keyValue' in block) {
      doc.keyValue(block.keyValue.map(([k, v]) => [fill(k, context, root), fill(v, context, root)] as const).filter(([, v]) => v.trim() !== ''));
    } else if ('table' in block) {
      const table = root.tables[fill(block.table, context, root)];
      if (block.caption) doc.heading(fill(block.caption, context, root), 2);
      if (table && table.rows.length > 0) doc.table(table);
      else if (block.empty) doc.paragraph(fill(block.empty, context, root));
    } else if ('each' in block) {
      const list = lookup(block.each, context, root);
      for (const item of Array.isArray(list) ? list : []) draw(doc, block.blocks, item, root);
    } else if ('if' in block) {
      if (present(lookup(block.if, context, root))) draw(doc, block.blocks, context, root);
      else if (block.else) draw(doc, block.else, context, root);
    } else if ('pageBreak' in block) doc.pageBreak();
    else doc.space(block.space);
  }
}

export interface RenderOptions {
  author: string;
  issuedAt: Date;
  draft?: boolean;
  fontSubset?: boolean;
  templateDir?: string;
}

/** Fills a template with a payload and draws it: the renderer never touches the database. */
export async function renderTemplate(name: string, payload: DocumentPayload, options: RenderOptions): Promise<Uint8Array> {
  const template = loadTemplate(name, options.templateDir);
  const title = fill(template.title, payload, payload);
  const doc = await createDocument({
    title,
    author: options.author,
    issuedAt: options.issuedAt,
    draft: options.draft ?? false,
    ...(options.fontSubset === undefined ? {} : { fontSubset: options.fontSubset }),
  });
  doc.titleBlock(template.subtitle ? fill(template.subtitle, payload, payload) : undefined);
  draw(doc, template.blocks, payload, payload);
  return doc.finish();
}
