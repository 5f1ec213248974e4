import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatYen } from '../domain/money.ts';
import type { EraStyle } from '../domain/format.ts';
import { type PdfDocumentBuilder, type TableSpec, createDocument } from './layout.ts';

/**
 * Document templates (templates/*.yaml), editable without code: the order of the sections, the fixed
 * wording, placeholders ({{case.title}}) and loops. The structure is YAML and data is only ever put into
 * leaf strings, so no value from a case can change the structure of a document.
 *
 *   title: "{{case.title}} 仕様書"        # the document title (PDF title too)
 *   metadataTitle: "…"                     # optional: the PDF title when it should name more (the case)
 *   subtitle: "…"                          # optional, under the title
 *   blocks:                                # drawn in order
 *     - heading: "1. 概要"                  # level 1; `level: 2` for a sub-heading
 *     - paragraph: "…{{case.description}}"
 *     - paragraphs: case.descriptionLines  # a list of strings from the payload
 *     - keyValue: [["件名", "{{case.title}}"], …]
 *     - table: memberOptions              # a table the payload provides (columns and rows)
 *       caption: "参加団体とオプション"
 *       keep: true                          # not split when it fits on a page: it starts the next one
 *       followedBy: 2                       # with keep: room for this many lines after it (its result lines)
 *     - each: sections                    # repeat the blocks for each item ({{heading}}, {{@root.case.title}})
 *       blocks: [ … ]
 *     - if: evaluation                    # only when the payload has it (else: [ … ] otherwise)
 *       blocks: [ … ]
 *     - pageBreak: true
 *     - space: 12
 *     - title: true                        # the title here rather than at the top (a notice: 宛先 and issuer first)
 *     - lines: notice.addressLines          # a list of strings, one line each (align: left | right | center)
 *       align: left
 *     - paragraph: "記"                      # a paragraph may be aligned too
 *     - paragraph: "次のとおりとする。"         # keepWithNext: true keeps a short lead-in with the block after it
 *       align: center
 *     - issuer: true                        # the issuer (payload.issuer.lines) at the right, with the seal as configured
 *
 * Every document starts with its 文書番号 (when issued) and date at the top right; without a `title`
 * block the issuer and the title follow at once.
 */

type Align = 'left' | 'right' | 'center';
type Block =
  | { heading: string; level?: 1 | 2 }
  | { paragraph: string; align?: Align; keepWithNext?: boolean }
  | { lines: string; align?: Align }
  | { title: true }
  | { issuer: true }
  | { paragraphs: string }
  | { keyValue: [string, string][] }
  | { table: string; caption?: string; empty?: string; keep?: boolean; followedBy?: number }
  | { each: string; blocks: Block[] }
  | { if: string; blocks: Block[]; else?: Block[] }
  | { pageBreak: true }
  | { space: number };

const alignSchema = z.enum(['left', 'right', 'center']);
const blockSchema: z.ZodType<Block> = z.lazy(() =>
  z.union([
    z.object({ heading: z.string(), level: z.union([z.literal(1), z.literal(2)]).optional() }).strict(),
    z.object({ paragraph: z.string(), align: alignSchema.optional(), keepWithNext: z.boolean().optional() }).strict(),
    z.object({ lines: z.string(), align: alignSchema.optional() }).strict(),
    z.object({ title: z.literal(true) }).strict(),
    z.object({ issuer: z.literal(true) }).strict(),
    z.object({ paragraphs: z.string() }).strict(),
    z.object({ keyValue: z.array(z.tuple([z.string(), z.string()])) }).strict(),
    z.object({ table: z.string(), caption: z.string().optional(), empty: z.string().optional(), keep: z.boolean().optional(), followedBy: z.number().int().min(0).max(10).optional() }).strict(),
    z.object({ each: z.string(), blocks: z.array(blockSchema) }).strict(),
    z.object({ if: z.string(), blocks: z.array(blockSchema), else: z.array(blockSchema).optional() }).strict(),
    z.object({ pageBreak: z.literal(true) }).strict(),
    z.object({ space: z.number().min(0).max(200) }).strict(),
  ]),
);

const templateSchema = z.object({ title: z.string(), metadataTitle: z.string().optional(), subtitle: z.string().optional(), blocks: z.array(blockSchema) }).strict();
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
  /** who issues the document: its lines at the right (name, 職 and 氏名) and the seal */
  issuer?: { lines: string[]; seal: 'box' | 'omitted' | 'none' };
  [key: string]: unknown;
}

function draw(doc: PdfDocumentBuilder, blocks: readonly Block[], context: unknown, root: DocumentPayload, subtitle: string | undefined) {
  for (const block of blocks) {
    if ('heading' in block) doc.heading(fill(block.heading, context, root), block.level ?? 1);
    else if ('paragraph' in block) {
      const text = fill(block.paragraph, context, root);
      if (text.trim() !== '') {
        if (block.align && block.align !== 'left') doc.alignedLines([text], block.align);
        else doc.paragraph(text, { keepWithNext: block.keepWithNext ?? false });
      }
    } else if ('lines' in block) {
      const list = lookup(block.lines, context, root);
      const lines = (Array.isArray(list) ? list : []).map(String).filter((t) => t.trim() !== '');
      if (lines.length > 0) doc.alignedLines(lines, block.align ?? 'left');
    } else if ('title' in block) doc.title(subtitle);
    else if ('issuer' in block) {
      if (root.issuer && root.issuer.lines.length > 0) doc.issuerBlock(root.issuer.lines, root.issuer.seal);
    } else if ('paragraphs' in block) {
      const list = lookup(block.paragraphs, context, root);
      for (const text of Array.isArray(list) ? list : []) if (String(text).trim() !== '') doc.paragraph(String(text));
    } else if ('keyValue' in block) {
      doc.keyValue(block.keyValue.map(([k, v]) => [fill(k, context, root), fill(v, context, root)] as const).filter(([, v]) => v.trim() !== ''));
    } else if ('table' in block) {
      const table = root.tables[fill(block.table, context, root)];
      if (block.caption) doc.heading(fill(block.caption, context, root), 2);
      if (table && table.rows.length > 0) doc.table(table, { keep: block.keep ?? false, followedBy: block.followedBy ?? 0 });
      else if (block.empty) doc.paragraph(fill(block.empty, context, root));
    } else if ('each' in block) {
      const list = lookup(block.each, context, root);
      for (const item of Array.isArray(list) ? list : []) draw(doc, block.blocks, item, root, subtitle);
    } else if ('if' in block) {
      if (present(lookup(block.if, context, root))) draw(doc, block.blocks, context, root, subtitle);
      else if (block.else) draw(doc, block.else, context, root, subtitle);
    } else if ('pageBreak' in block) doc.pageBreak();
    else doc.space(block.space);
  }
}

export interface RenderOptions {
  author: string;
  issuedAt: Date;
  /** a draft is titled （案）, dated as a draft and stamped 案 */
  draft?: boolean;
  /** 文書番号 of an issued document */
  number?: string;
  era?: EraStyle;
  fontSubset?: boolean;
  templateDir?: string;
}

export interface RenderedDocument {
  bytes: Uint8Array;
  /** what the secretariat should know about the drawing (characters the fonts could not draw …) */
  warnings: string[];
}

const hasTitleBlock = (blocks: readonly Block[]): boolean =>
  blocks.some((b) => 'title' in b || ('blocks' in b && hasTitleBlock(b.blocks)) || ('else' in b && b.else !== undefined && hasTitleBlock(b.else)));

/** Fills a template with a payload and draws it: the renderer never touches the database. */
export async function renderTemplate(name: string, payload: DocumentPayload, options: RenderOptions): Promise<RenderedDocument> {
  const template = loadTemplate(name, options.templateDir);
  const filled = fill(template.title, payload, payload);
  const draft = options.draft ?? false;
  const title = draft && !filled.endsWith('（案）') ? `${filled}（案）` : filled;
  const metadataTitle = template.metadataTitle ? fill(template.metadataTitle, payload, payload) : undefined;
  const doc = await createDocument({
    title,
    ...(metadataTitle ? { metadataTitle: draft && !metadataTitle.endsWith('（案）') ? `${metadataTitle}（案）` : metadataTitle } : {}),
    author: options.author,
    issuedAt: options.issuedAt,
    draft,
    ...(options.number ? { number: options.number } : {}),
    ...(options.era ? { era: options.era } : {}),
    ...(options.fontSubset === undefined ? {} : { fontSubset: options.fontSubset }),
  });
  const subtitle = template.subtitle ? fill(template.subtitle, payload, payload) : undefined;
  if (hasTitleBlock(template.blocks)) doc.dateLines();
  else if (payload.issuer && payload.issuer.lines.length > 0) {
    doc.dateLines();
    doc.issuerBlock(payload.issuer.lines, payload.issuer.seal);
    doc.title(subtitle);
  } else doc.titleBlock(subtitle);
  draw(doc, template.blocks, payload, payload, subtitle);
  return { bytes: await doc.finish(), warnings: doc.warnings() };
}
