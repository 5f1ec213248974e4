import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { FixedClock } from '../../src/clock.ts';
import type { Deps } from '../../src/context.ts';
import type { Database } from '../../src/db/client.ts';
import { seedOperator } from '../../src/demo/seed.ts';
import { stopDocumentRenderer } from '../../src/documents/renderer.ts';
import { type Config, parseConfig } from '../../src/env.ts';
import { randomKeys } from '../../src/keys.ts';
import { localStorage } from '../../src/storage/local.ts';
import { freshDatabase } from './database.ts';

export const OPERATOR = { email: 'operator@test.example', password: 'operator-password-1' };
export const PASSWORD = 'test-password-1';

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  /** the body as text (a UTF-8 BOM, if any, is kept) */
  text: string;
  bytes: Uint8Array;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  clock: FixedClock;
  database: Database;
  /** where this harness keeps uploaded files */
  filesRoot: string;
  call<T = any>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>;
  login(email: string, password?: string): Promise<string>;
  /** Posts a form as a page of this site does (same origin, urlencoded), with the session cookie if given. */
  form(cookie: string | undefined, path: string, fields: Record<string, string> | [string, string][]): Promise<Reply>;
  /** Logs in through the login form, as a browser without JavaScript does, and answers the session cookie. */
  cookieFor(email: string, password?: string): Promise<string>;
  /** Gets a page with the session cookie. */
  page(cookie: string, path: string): Promise<Reply>;
  close(): Promise<void>;
}

export const SITE_ORIGIN = 'http://localhost';

/** The harness's app on a real HTTP port, for tests of what crosses the wire and of the browser. */
export async function listen(h: Pick<Harness, 'app'>): Promise<{ port: number; base: string; close(): Promise<void> }> {
  const server = serve({ fetch: h.app.fetch, port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    async close() {
      // kept-alive sockets would hold close() open
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The real app on a fresh database with a clock the test moves; the operator account exists. */
export async function createHarness(overrides: Partial<Config> = {}): Promise<Harness> {
  const database = await freshDatabase();
  const clock = new FixedClock('2026-04-01T09:00:00.000+09:00');
  const config = { ...parseConfig({ DEMO: '0' }), ...overrides };
  const filesRoot = await mkdtemp(join(tmpdir(), 'wb-files-'));
  const deps: Deps = { database, clock, config, storage: localStorage(filesRoot), keys: randomKeys() };
  await seedOperator(database.db, deps.keys.audit, clock.now(), OPERATOR);
  const app = createApp(deps);

  const call = async (method: string, path: string, options: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      if (typeof options.body === 'string' || options.body instanceof Uint8Array || options.body instanceof ReadableStream) {
        body = options.body as BodyInit;
      } else {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const res = await app.request(path, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    let parsed: unknown = text;
    if (res.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers, text, bytes };
  };

  const form: Harness['form'] = (cookie, path, fields) =>
    call('POST', path, {
      headers: { ...(cookie ? { cookie } : {}), origin: SITE_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  return {
    app,
    deps,
    clock,
    database,
    call,
    async login(email, password = PASSWORD) {
      const res = await call('POST', '/api/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
      return res.body.token as string;
    },
    form,
    async cookieFor(email, password = PASSWORD) {
      const res = await form(undefined, '/login', { email, password });
      if (res.status !== 303) throw new Error(`form login ${email} failed: ${res.status}`);
      return res.headers.get('set-cookie')!.split(';')[0]!;
    },
    page: (cookie, path) => call('GET', path, { headers: { cookie } }),
    filesRoot,
    async close() {
      await stopDocumentRenderer();
      await database.close();
      await rm(filesRoot, { recursive: true, force: true });
    },
  };
}

export interface Tenant {
  consortiumId: string;
  secretariat: string;
  memberIds: string[];
  member: string;
  evaluator: string;
  vendorId: string;
  vendor: string;
  otherVendorId: string;
  otherVendor: string;
}

/** A consortium built through the API: secretariat, two member bodies with a user, an evaluator, two vendors. */
export async function createTenant(h: Harness, label: string): Promise<Tenant> {
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  const created = await h.call('POST', '/api/consortia', {
    token: operator,
    body: { name: `${label}協議会`, secretariat: { email: `sec-${label}@test.example`, name: `${label}事務局`, password: PASSWORD } },
  });
  if (created.status !== 201) throw new Error(created.text);
  const secretariat = await h.login(`sec-${label}@test.example`);
  const memberIds: string[] = [];
  for (const [name, kind] of [
    [`${label}市`, 'city'],
    [`${label}村`, 'village'],
  ] as const) {
    const m = await h.call('POST', '/api/members', { token: secretariat, body: { name, kind, population: 1000 } });
    if (m.status !== 201) throw new Error(m.text);
    memberIds.push(m.body.member.id);
  }
  const vendorIds: string[] = [];
  for (const n of [1, 2]) {
    const v = await h.call('POST', '/api/vendors', { token: secretariat, body: { name: `${label}事業者${n}` } });
    if (v.status !== 201) throw new Error(v.text);
    vendorIds.push(v.body.vendor.id);
  }
  const users: [string, string, Record<string, string>][] = [
    [`member-${label}@test.example`, 'member', { memberId: memberIds[0]! }],
    [`eval-${label}@test.example`, 'evaluator', {}],
    [`vendor-${label}@test.example`, 'vendor', { vendorId: vendorIds[0]! }],
    [`vendor2-${label}@test.example`, 'vendor', { vendorId: vendorIds[1]! }],
  ];
  for (const [email, role, extra] of users) {
    const u = await h.call('POST', '/api/users', { token: secretariat, body: { email, name: email, role, password: PASSWORD, ...extra } });
    if (u.status !== 201) throw new Error(u.text);
  }
  return {
    consortiumId: created.body.consortium.id,
    secretariat,
    memberIds,
    member: await h.login(`member-${label}@test.example`),
    evaluator: await h.login(`eval-${label}@test.example`),
    vendorId: vendorIds[0]!,
    vendor: await h.login(`vendor-${label}@test.example`),
    otherVendorId: vendorIds[1]!,
    otherVendor: await h.login(`vendor2-${label}@test.example`),
  };
}

/** A 公募型プロポーザル case of the tenant, published and taking proposals until `submissionDeadline`; answers its id. */
export async function openProposalCase(h: Harness, t: Tenant, title: string, submissionDeadline = '2026-06-30T17:00:00.000+09:00'): Promise<string> {
  const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title, method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline } });
  if (created.status !== 201) throw new Error(created.text);
  const id = created.body.case.id as string;
  await putSpec(h, t.secretariat, id);
  const opened = await h.call('POST', `/api/cases/${id}/transition`, { token: t.secretariat, body: { to: 'open' } });
  if (opened.status !== 200) throw new Error(opened.text);
  return id;
}

/** A spec of one chapter for a case that has none yet (a case is published only with its spec); a case with a spec keeps it. */
export async function putSpec(h: Pick<Harness, 'call'>, token: string, caseId: string, sections = [{ heading: '業務の概要', body: '業務の内容は本書のとおりとする。' }]): Promise<void> {
  if ((await h.call('GET', `/api/cases/${caseId}/spec`, { token })).status === 200) return;
  // a reason, in case the case is already before vendors (an RFI): the spec is then announced as an addendum
  const res = await h.call('PUT', `/api/cases/${caseId}/spec`, { token, body: { sections, reason: '仕様書を定めます。' } });
  if (res.status !== 200 && res.status !== 201) throw new Error(`仕様書を保存できませんでした: ${res.text}`);
}
