import { Validator } from '@seriousme/openapi-schema-validator';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStatus } from '../../src/errors.ts';
import { caseInput } from '../../src/services/cases.ts';
import { type Harness, createHarness, createTenant } from '../helpers/harness.ts';

/**
 * The API description (GET /api/openapi.json) is generated from the routes' own zod schemas: it must
 * name every route the app serves under /api and no other, validate as OpenAPI 3.1, and its reference
 * page (GET /api/docs) must work with nothing but the app itself.
 */

// both are CommonJS modules; require gives their exports without interop guesswork
const require = createRequire(import.meta.url);
interface AjvInstance {
  addSchema(schema: object): void;
  compile(schema: object): ValidateFunction;
}
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => AjvInstance;
const addFormats = require('ajv-formats').default as (ajv: AjvInstance) => void;

type Json = Record<string, any>;
const methods = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** `GET /api/x/:id{[0-9]+}` → `GET /api/x/{id}`, as OpenAPI writes paths. */
const asOpenApi = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`;

let h: Harness;
let doc: Json;

beforeAll(async () => {
  h = await createHarness();
  const res = await h.call('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.body;
});
afterAll(async () => {
  await h?.close();
});

const documented = () => Object.entries(doc.paths as Json).flatMap(([path, item]) => methods.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
const served = () => [...new Set(h.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/')).map((r) => asOpenApi(r.method, r.path)))];
const operation = (key: string): Json => {
  const [method, path] = key.split(' ') as [string, string];
  return doc.paths[path]?.[method.toLowerCase()];
};

/** An Ajv for the document's schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses), with its components. */
function schemaValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: doc.components });
  return (schema: Json) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')));
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('names every route the app serves under /api, and none it does not serve', () => {
    const app = served();
    const described = documented();
    expect(app.length).toBeGreaterThan(100);
    expect(app.filter((r) => !described.includes(r)), 'routes missing from the document').toEqual([]);
    expect(described.filter((r) => !app.includes(r)), 'routes the app does not have').toEqual([]);
    expect(new Set(described).size).toBe(described.length);
  });

  it('describes every operation: a Japanese summary, a tag, a success and the error body; path parameters as the path names them', () => {
    const tagNames = (doc.tags as { name: string }[]).map((t) => t.name);
    for (const key of documented()) {
      const op = operation(key);
      expect(op.summary, key).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(op.tags, key).toHaveLength(1);
      expect(tagNames, key).toContain(op.tags[0]);
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^2\d\d$/.test(s)), `${key} has no success`).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const response = op.responses[status];
        expect(response.content['application/json'].schema, `${key} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
        // each code named is one the app answers with that status
        const codes = response.description.split(': ')[1].split(', ');
        for (const code of codes) expect(errorStatus[code as keyof typeof errorStatus], `${key} ${status} ${code}`).toBe(Number(status));
      }
      const inPath = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const params = (op.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name);
      expect(params, key).toEqual(inPath);
    }
  });

  it('gives the error body every error code of the app', () => {
    const error = doc.components.schemas.ErrorBody.properties.error;
    expect(error.required).toEqual(['code', 'message']);
    expect([...error.properties.code.enum].sort()).toEqual(Object.keys(errorStatus).sort());
  });

  it('describes the Bearer token as the security scheme, and leaves public routes open', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toContainEqual({ bearerAuth: [] });
    expect(operation('POST /api/auth/login').security).toEqual([]);
    expect(operation('GET /api/public/cases').security).toEqual([]);
    expect(operation('GET /api/openapi.json').security).toEqual([]);
    expect(operation('POST /api/cases').security).toBeUndefined();
    expect(Object.keys(operation('POST /api/cases').responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '413', '415']));
  });

  it('takes the request body of POST /api/cases from the service\'s own schema', async () => {
    const schema = operation('POST /api/cases').requestBody.content['application/json'].schema;
    const required = Object.entries(caseInput.shape).filter(([, field]) => !field.safeParse(undefined).success).map(([name]) => name);
    expect(required.sort()).toEqual(['contractMode', 'fiscalYear', 'method', 'title']);
    expect([...schema.required].sort()).toEqual(required.sort());
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(caseInput.shape).sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.method.enum).toEqual(caseInput.shape.method.options);

    // what the document accepts, the app accepts; what it refuses, the app refuses
    const validate = schemaValidator()(schema);
    const t = await createTenant(h, 'oa');
    const body = { title: '文書の例の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 };
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect((await h.call('POST', '/api/cases', { token: t.secretariat, body })).status).toBe(201);
    for (const bad of [{ ...body, title: undefined }, { ...body, method: 'auction' }, { ...body, unknownField: 1 }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
      const res = await h.call('POST', '/api/cases', { token: t.secretariat, body: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
  });

  it('compiles every request and parameter schema as JSON Schema 2020-12', () => {
    const compile = schemaValidator();
    let bodies = 0;
    for (const key of documented()) {
      const op = operation(key);
      for (const p of op.parameters ?? []) compile(p.schema);
      const json = op.requestBody?.content?.['application/json'];
      if (json) {
        compile(json.schema);
        bodies += 1;
      }
    }
    expect(bodies).toBeGreaterThan(40);
  });

  it('is public', async () => {
    const res = await h.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toMatch(/API/);
  });
});

describe('GET /api/docs', () => {
  it('answers a Japanese HTML page whose scripts and styles the app serves itself', async () => {
    const res = await h.call('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html lang="ja">/);
    expect(res.text).toMatch(/<title>[^<]*API リファレンス[^<]*<\/title>/);
    expect(res.text).toContain('/api/openapi.json');

    const scripts = [...res.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
    const styles = [...res.text.matchAll(/<link[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    // no inline script: the page runs under script-src 'self'
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const src of [...scripts, ...styles]) {
      expect(src, 'served from the app, not a CDN').toMatch(/^\/[^/]/);
      const asset = await h.call('GET', src);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(/^(text\/javascript|text\/css|image\/svg\+xml)/);
    }
    const bundle = await h.call('GET', scripts[0]!);
    expect(bundle.text).toContain('SwaggerUIBundle');
  });

  it('runs under the app\'s own Content-Security-Policy: scripts and styles from the app only', async () => {
    const csp = (await h.call('GET', '/api/docs')).headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('unsafe-');
    expect(csp).not.toMatch(/https?:/);
  });
});
