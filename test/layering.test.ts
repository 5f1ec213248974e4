import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Layers point one way: routes → services → db/domain. Nothing under services/, documents/ or domain/
// imports from routes/ or views/; a page imports services and views, never another page or an API route.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** Every relative module a file names: static and type imports, re-exports, side-effect and dynamic imports. */
function relativeImports(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"](\.[^'"]*)['"]/g, /\bimport\s*['"](\.[^'"]*)['"]/g, /\bimport\s*\(\s*['"](\.[^'"]*)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);
const show = (path: string) => relative(root, path).split(sep).join('/');

/** A page file mounts pages (a Hono sub-app); form.ts and guard.ts beside them are helpers. */
const isPage = (path: string) => inside(path, join(src, 'routes', 'pages')) && existsSync(path) && readFileSync(path, 'utf8').includes('new Hono');

function breaches(dirs: string[], forbidden: (target: string, from: string) => boolean): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (forbidden(target, file)) out.push(`${show(file)} imports ${spec}`);
      }
    }
  }
  return out;
}

describe('layering', () => {
  it('finds imports in every form a file may write them', () => {
    const text = `import { a } from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nimport './d.ts';\nawait import('./e.ts');\nimport { z } from 'zod';`;
    expect(relativeImports(text).sort()).toEqual(['../b.ts', './a.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('services, documents and domain import nothing from routes or views', () => {
    const lower = ['services', 'documents', 'domain'].map((d) => join(src, d));
    expect(lower.flatMap(sourceFiles).length).toBeGreaterThan(10);
    const found = breaches(lower, (target) => inside(target, join(src, 'routes')) || inside(target, join(src, 'views')));
    expect(found).toEqual([]);
  });

  it('a page imports no other page and no API route', () => {
    const pages = join(src, 'routes', 'pages');
    expect(sourceFiles(pages).filter(isPage).length).toBeGreaterThan(5);
    const found = breaches([pages], (target, from) => inside(target, join(src, 'routes', 'api')) || (target !== from && isPage(target)));
    expect(found).toEqual([]);
  });
});
