import type * as crypto from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JSON_BODY_LIMIT, createApp } from '../../src/app.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { hashToken, newSessionToken } from '../../src/auth/token.ts';
import type { Deps } from '../../src/context.ts';
import { createSession } from '../../src/db/sessions.ts';
import { insertUser } from '../../src/db/users.ts';
import { errorStatus } from '../../src/errors.ts';
import { newId } from '../../src/ids.ts';
import { localStorage } from '../../src/storage/local.ts';
import { Scratch, assertPdfToolsInstalled, rawText } from '../documents/pdf-tools.ts';
import { type Harness, OPERATOR, PASSWORD, type Reply, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { pdfBytes } from '../helpers/multipart.ts';

// Hostile input against every API route, called as someone allowed to use it: whatever arrives, the
// answer is never a 5xx, an error has the documented shape, and a refused request changes nothing.
// Text that comes back out (CSV exports, pages, PDFs) is inert: formulas neutralised, markup escaped.
// A generated request is the route's valid request with one part made hostile, so most of them get
// past the first checks to the handler behind; the last test prints how many did, per route.

// Passwords are hashed with scrypt at N = 2^15 (0.1–0.2 s a hash on this machine): the generated
// logins, accounts and registrations below reach the hash, and would spend much of this file's time
// in it. The work factor is not what this file tests (login-hash-work.security.test.ts checks it), so
// scrypt runs at N = 2^10 here; stored hashes keep their format and every code path stays the same.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  const scrypt = ((password: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, options: crypto.ScryptOptions, callback: (err: Error | null, key: Buffer) => void) =>
    actual.scrypt(password, salt, keylen, { ...options, N: Math.min(options.N ?? 2 ** 14, 2 ** 10) }, callback)) as typeof crypto.scrypt;
  return { ...actual, scrypt, default: { ...actual, scrypt } };
});

// ---------------------------------------------------------------------------------------------------
// hostile values

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const FORMULAS = ["=cmd|' /C calc'!A0", '+1', '-1+1', '@SUM(1)'];
/** Formulas behind a tab or CR survive only in text that is not trimmed (RFI answers). */
const CONTROL_FORMULAS = ['\t=1+1', '\r=1+1'];

/** Raw JSON tokens for a money field: none is a whole number of yen the API may accept. */
const MONEY_TOKENS = [
  '1e308',
  String(2 ** 64),
  '-1',
  '1.5',
  '"1000"',
  '"NaN"',
  '"Infinity"',
  '"-1"',
  '"1e3"',
  'NaN',
  'Infinity',
  '1e400',
  '-1e400',
  '9007199254740993',
  '123456789012345678901234567890',
  '1e21',
  '0x10',
  'null',
  'true',
  '[]',
  '{}',
  '{"$gt":0}',
];

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u3000',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\uffff\ufffe',
  '\u202e\u2066\u200b',
  '../../etc/passwd',
  '..\\..\\x.pdf',
  SCRIPT,
  IMG,
  ...FORMULAS,
  ...CONTROL_FORMULAS,
  "' OR '1'='1",
  '"; DROP TABLE cases; --',
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  '%s%n%x',
  '\r\nSet-Cookie: sid=x',
  '__proto__',
  'constructor',
  'toString',
  '𠮷野家🍣\u0301',
  'x'.repeat(100_000),
];

/**
 * Hostile text that a free-text field (a title, a name, a comment, an answer) accepts as it is: the
 * API must store it and give it back inert, on pages, in CSV and in PDFs.
 */
const HOSTILE_TEXT = [
  SCRIPT,
  IMG,
  ...FORMULAS,
  ...CONTROL_FORMULAS,
  '=HYPERLINK("http://evil.example","x")',
  "' OR '1'='1",
  '"; DROP TABLE cases; --',
  "'); select pg_sleep(10); --",
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  '#{7*7}',
  '%s%n%x',
  '\r\nSet-Cookie: sid=x',
  '__proto__',
  'constructor',
  '𠮷野家🍣\u0301',
  '\u202e\u2066\u200b',
  '\uffff\ufffe',
  '../../etc/passwd',
  '..\\..\\x.pdf',
  '<svg/onload=alert(1)>',
  '</textarea><script>alert(1)</script>',
  "'><a href=javascript:alert(1)>x</a>",
  ']]></title></entry><entry><title>forged',
  '<!--',
  '&lt;script&gt;',
  'ｱｲｳ①㈱髙﨑',
  '\\',
  '"',
];

const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('=', '+', '-', '@'), fc.string({ minLength: 1, maxLength: 20 })).map(([p, s]) => p + s) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_TEXT), fc.constantFrom(...HOSTILE_TEXT)).map(([x, y]) => x + y) },
);

const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '\u0000', '\ud800', 'x'.repeat(5000), '../x', SCRIPT];

/** Raw JSON texts that are not a usable body. */
const BROKEN_JSON = [
  '',
  '{',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  'null',
  '[]',
  '"text"',
  '0',
  '\uFEFF{}',
  '{"__proto__":{"isAdmin":true}}',
  '{"a":1,"a":2}',
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  '['.repeat(100_000) + ']'.repeat(100_000),
  '[' + '1,'.repeat(200_000) + '1]',
];

/** Server-owned fields a client must not be able to set; the marker must never come back. */
const INJECTED_MARKER = 'zz-injected-by-client';
const SERVER_OWNED = ['id', 'consortiumId', 'createdAt', 'state', 'userId', 'actorUserId', 'publishedAt', 'digest'];

const HOLE = '\u0001HOLE\u0001';
const KEY_HOLE = '\u0001KEY\u0001';

const utf8 = (text: string) => new TextEncoder().encode(text);
const encodedHole = JSON.stringify(HOLE);
const encodedKeyHole = JSON.stringify(KEY_HOLE);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths to every leaf (and every container) of a JSON value. */
function nodePaths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (path.length > 0) out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...nodePaths(v, [...path, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...nodePaths(v, [...path, k]));
  return out;
}

function objectPaths(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...objectPaths(v, [...path, i])));
  else if (value !== null && typeof value === 'object') {
    out.push(path);
    for (const [k, v] of Object.entries(value)) out.push(...objectPaths(v, [...path, k]));
  }
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  const copy = structuredClone(root);
  let node: any = copy;
  for (const step of path.slice(0, -1)) node = node[step];
  node[path.at(-1)!] = value;
  return copy;
}

/** The template with the node at `path` replaced by a raw JSON token. */
function withToken(template: Json, path: (string | number)[], token: string): string {
  return JSON.stringify(setAt(template, path, HOLE)).replace(encodedHole, () => token);
}

/** The template with one more key (a hostile name) in the object at `path`. */
function withKey(template: Json, path: (string | number)[], key: string, value: Json): string {
  const copy = structuredClone(template);
  let node: any = copy;
  for (const step of path) node = node[step];
  node[KEY_HOLE] = value;
  return JSON.stringify(copy).replace(encodedKeyHole, () => JSON.stringify(key));
}

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), fc.string({ maxLength: 20 })).map(([p, s]) => p + s) },
);

/** A raw JSON token: a hostile string, a hostile number or another type altogether. */
const hostileToken = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom(...MONEY_TOKENS) },
  { weight: 1, arbitrary: fc.double().map((d) => String(d)) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((b) => b.toString()) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('['.repeat(5_000) + ']'.repeat(5_000), '"\\u0000"', '"\\ud800"', '"\\udc00x"') },
);

/** A JSON body for a route with a template: one node made hostile, a hostile key, or injected server fields. */
function jsonBodyFor(given: readonly object[]): fc.Arbitrary<{ text?: string; bytes?: Uint8Array; note: string }> {
  const templates = given as Json[];
  const mutated = fc.constantFrom(...templates).chain((template) => {
    const paths = nodePaths(template);
    const objects = objectPaths(template);
    const options: fc.Arbitrary<{ text?: string; bytes?: Uint8Array; note: string }>[] = [];
    if (paths.length > 0) {
      options.push(
        fc.tuple(fc.constantFrom(...paths), hostileToken).map(([path, token]) => ({ text: withToken(template, path, token), note: `${path.join('.')} = ${token.slice(0, 60)}` })),
      );
    }
    if (objects.length > 0) {
      options.push(
        fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...HOSTILE_KEYS), fc.oneof(fc.constant<Json>(1), fc.constant<Json>(true), fc.constant<Json>('x'))).map(([path, key, value]) => ({
          text: withKey(template, path, key, value),
          note: `key ${JSON.stringify(key.slice(0, 30))} at ${path.join('.') || '(top)'}`,
        })),
      );
      if (paths.length > 0 && !Array.isArray(template)) {
        // server-owned fields beside a hostile value: if accepted they must not be taken, if refused nothing changes
        options.push(
          fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...MONEY_TOKENS, '"\\u0000"')).map(([path, token]) => {
            const injected = Object.fromEntries(SERVER_OWNED.map((k) => [k, INJECTED_MARKER]));
            const base = { ...(template as Record<string, Json>), ...injected };
            return { text: withToken(base, path, token), note: `server-owned fields and ${path.join('.')} = ${token}` };
          }),
        );
      }
    }
    return fc.oneof(...options);
  });
  const nonUtf8 = fc.tuple(fc.constantFrom(...templates), fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => b.map((x) => 0x80 | x))).map(([template, junk]) => {
    const text = JSON.stringify(template);
    const at = text.indexOf('"', 2) > 0 ? text.indexOf('"', 2) : 1;
    const bytes = new Uint8Array([...utf8(text.slice(0, at)), ...junk, ...utf8(text.slice(at))]);
    return { bytes, note: `non-UTF-8 bytes ${[...junk].map((b) => b.toString(16)).join(' ')} in ${text.slice(0, 40)}` };
  });
  const shiftJis = fc.constantFrom(...templates).map((template) => ({
    bytes: new Uint8Array(iconv.encode(JSON.stringify(template).replace(/"([^"]*)"/, '"$1岐阜市"'), 'cp932')),
    note: 'Shift_JIS encoded JSON',
  }));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v), note: 'random JSON' })) },
    { weight: 1, arbitrary: fc.constantFrom(...BROKEN_JSON).map((text) => ({ text, note: `broken JSON ${text.slice(0, 30)}…(${text.length})` })) },
    { weight: 1, arbitrary: nonUtf8 },
    { weight: 1, arbitrary: shiftJis },
  );
}

const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=shift_jis',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'application/jsonx',
      'text/plain',
      'text/csv',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'multipart/form-data',
      'application/octet-stream',
      '',
      ';;;',
      'application/json; boundary="',
    ),
  },
);

/** Headers a client may add, one at a time; the caller's own Authorization is set separately and always wins. */
const HEADER_VALUES: Record<string, string[]> = {
  accept: ['*/*', 'text/html', 'text/csv', 'application/json', 'image/*;q=0', 'x'.repeat(4000)],
  'accept-language': ['ja', 'en-US,en;q=0.9', '*', ';q=', 'zz'.repeat(500)],
  'x-forwarded-for': ['127.0.0.1', '::1', '10.0.0.1, 1.2.3.4', 'not-an-address', ','.repeat(300)],
  'x-forwarded-proto': ['https', 'http', 'gopher'],
  origin: ['https://evil.example', 'null', 'http://localhost'],
  cookie: ['sid=forged', `sid=${'a'.repeat(200)}`, 'sid=', 'sid="x"; sid=y', '=;=;'],
  'if-none-match': ['*', '"x"', 'W/"0"'],
  range: ['bytes=0-1', 'bytes=-1', 'bytes=99999999999-'],
  'x-http-method-override': ['DELETE', 'PUT', 'GET'],
  'content-encoding': ['gzip', 'br', 'identity', 'x'],
  expect: ['100-continue', 'x'],
};
const oneHeader = fc
  .constantFrom(...Object.keys(HEADER_VALUES))
  .chain((name) => fc.constantFrom(...HEADER_VALUES[name]!).map((value): Record<string, string> => ({ [name]: value })));

const hostilePathSegment = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%5c%2e%2e%5cx.pdf',
      '%00',
      'a%00b',
      '%ff',
      '%ED%A0%80',
      '%',
      '%zz',
      "'%20OR%20'1'%3D'1",
      'x'.repeat(5_000),
      '%E2%80%AE',
      '__proto__',
      'constructor',
      '%0d%0aSet-Cookie:%20x=1',
      '%252e%252e',
      '0',
      '-1',
      'null',
      'undefined',
      '%3Cscript%3E',
      '1e308',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 30 }).map(encodeURIComponent) },
);

const queryKeys = fc.constantFrom('caseId', 'limit', 'before', 'with', 'without', 'anonymize', 'fiscalYear', 'next', '__proto__', 'constructor', '', 'a[b]', 'x'.repeat(300));
const queryValues = fc.oneof(
  fc.constantFrom('%00', '%', '%zz', '%ff', '1e308', '-1', '0', '1.5', '99999999999999999999', 'NaN', '', '1', '0,1', ','.repeat(500), 'x'.repeat(3000), '%3Cscript%3E'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);
const queryString = fc.array(fc.tuple(queryKeys, queryValues), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}`);

// ---------------------------------------------------------------------------------------------------
// the world

let h: Harness;
let a: Tenant;
let sandbox: string;
let storageRoot: string;
const scratch = new Scratch();

let last: Record<string, string> | undefined;
const tokens: Record<string, string> = {};
const logoutTokens: string[] = [];
const ids: Record<string, string> = {};

const names = {
  vendor1: "=cmd|' /C calc'!A0",
  vendor2: `@SUM(1)${SCRIPT}`,
  applicant: `+1${IMG}`,
  evaluator: `-1+1${IMG}`,
  member1: `+1${SCRIPT}`,
  member2: `-1+1${IMG}`,
  member3: '@SUM(1)',
  option1: "=cmd|' /C calc'!A0",
  option2: SCRIPT,
  criterion1: '+1',
  criterion2: `@SUM(1)${IMG}`,
  criterionGroup: SCRIPT,
  reviewTitle: `=1+1${SCRIPT}`,
  closedTitle: `-1+1${IMG}`,
  description: `${IMG}\n${SCRIPT}`,
  candidate1: "=cmd|' /C calc'!A0",
  candidate2: IMG,
  surveyTitle: `+1${SCRIPT}`,
  question: `@SUM(1)${SCRIPT}`,
  choice1: '=1',
  choice2: '+1',
  rfiFile: '=HYPERLINK(1)<b onmouseover=alert(1)>.pdf',
  specHeading: SCRIPT,
  specBody: `${IMG} {{title}} {{#each members}}x{{/each}} =cmd|' /C calc'!A0`,
  requirement: `@SUM(1)${SCRIPT}`,
  comment: SCRIPT,
  commentResponse: IMG,
  sheetComment: SCRIPT,
  publicConsortium: `-1+1${IMG}`,
  publicTitle: `=cmd|' /C calc'!A0${SCRIPT}`,
  tenderer: `+1${IMG}`,
  tenderTitle: `@SUM(1)${SCRIPT}`,
  askedQuestion: `=1+1${IMG}`,
  publishedQuestion: `@SUM(1)${SCRIPT}`,
  questionAnswer: SCRIPT,
};

/** A caller made for one route: the object's id (a vendor's, or an evaluator's user id) and a session. */
interface Caller {
  id: string;
  token: string;
}

/**
 * Objects a one-shot route uses up (a case moved on, a sheet submitted, a vendor's one bid in a round):
 * the route works on the current one until a request takes it, then on the next.
 */
class Pool<T> {
  private index = 0;
  constructor(readonly items: T[]) {}
  get current(): T {
    return this.items[Math.min(this.index, this.items.length - 1)]!;
  }
  take(): void {
    this.index += 1;
  }
}

const pools = {} as {
  /** approved vendors that have not bid in the tender `bid` yet (one bid, 辞退 or paper bid each) */
  bidders: Pool<Caller>;
  /** approved vendors that have not withdrawn from the case `open` */
  withdrawers: Pool<Caller>;
  /** draft cases for the lifecycle */
  transition: Pool<string>;
  /** published 随意契約 cases with no award yet (any other method is awarded only after its evaluation or opening) */
  award: Pool<string>;
  /** evaluators of the case `coi` that have not declared yet */
  coi: Pool<Caller>;
  /** proposals (vendor ids) in `scoring` whose sheet evaluator A has filled in but not submitted */
  submit: Pool<string>;
  /** proposals (vendor ids) in `scoring` whose sheet evaluator B has submitted */
  reopen: Pool<string>;
  /** evaluations with every sheet submitted, not closed */
  close: Pool<string>;
  /** tenders whose first round was opened above the ceiling (再度入札) */
  rebid: Pool<string>;
  /** two-stage surveys still taking proposals, each with P1 and P2 */
  shortlist: Pool<string>;
  /** candidate codes of the survey `decideSurvey` not yet made a case */
  decide: Pool<string>;
  /** fiscal years of the case `contracted` not yet closed */
  years: Pool<number>;
  /** closed years of `contracted` whose record has changed since they closed (each can be amended once) */
  amend: Pool<number>;
};
const callers: Record<string, Caller> = {};

/**
 * Values a template names by a placeholder (`@@name@@`), filled in as each request is sent: a fresh
 * address for an account, a fresh code, the pooled vendor a paper bid is for.
 */
const lateValues: Record<string, () => string> = {};
const late = (name: string) => `@@${name}@@`;

function fillLate(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.includes('@@')) return bytes;
  return new Uint8Array(Buffer.from(text.replace(/@@(\w+)@@/g, (whole, name: string) => lateValues[name]?.() ?? whole), 'latin1'));
}

/** A 地方公共団体コード with its check digit (weights 6, 5, 4, 3, 2; mod 11). */
function localGovernmentCode(first5: string): string {
  const sum = [6, 5, 4, 3, 2].reduce((acc, w, i) => acc + w * Number(first5[i]), 0);
  return `${first5}${(11 - (sum % 11)) % 10}`;
}

/** A 法人番号: twelve digits behind the check digit of 国税庁's formula. */
function corporateNumber(body12: string): string {
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(body12[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return `${9 - (sum % 9)}${body12}`;
}

let counter = 0;
lateValues.uniq = () => `u${++counter}`;
lateValues.memberCode = () => localGovernmentCode(String(30_000 + (++counter % 10_000)).padStart(5, '0'));
lateValues.corporateNumber = () => corporateNumber(String(500_000_000_000 + ++counter));
lateValues.bidder = () => pools.bidders.current.id;

/** Member codes and 法人番号 the imports use: a row with one already registered updates or approves it. */
const IMPORT_CODES = ['40100', '40101', '40102', '40103', '40104', '40105'].map(localGovernmentCode);
const IMPORT_NUMBERS = ['600000000001', '600000000002', '600000000003', '600000000004', '600000000005', '600000000006'].map(corporateNumber);

const vendor1Answers = { summary: CONTROL_FORMULAS[0]!, note: FORMULAS[0]!, users: 10, lgwan: true, hosting: '=1', price: 7_000_000 };

const criteria = [
  { code: 'func', group: names.criterionGroup, name: names.criterion1, maxPoints: 40, mode: 'points' },
  { code: 'ops', name: names.criterion2, maxPoints: 30, mode: 'grade', guidance: SCRIPT },
  { code: 'price', name: '価格点', maxPoints: 30, mode: 'price' },
];

/** A direct call (setting up or reading back); whatever it changes, the next snapshot is taken afresh. */
function call(method: string, path: string, token: string | undefined, body?: unknown) {
  last = undefined;
  return h.call(method, path, { token, body });
}

async function ok(res: Promise<Reply> | Reply, status = 200): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.slice(0, 400)}`);
  return r.body;
}

let sharedHash: string;

/** An account made straight in the database (no scrypt per account), with a session. */
async function directUser(key: string, role: 'vendor' | 'evaluator', extra: { vendorId?: string } = {}): Promise<Caller> {
  const row = await insertUser(h.database.db, { consortiumId: a.consortiumId, email: `hostile-${key}@test.example`, name: key, role, passwordHash: sharedHash, ...extra }, h.clock.now());
  const token = newSessionToken();
  await createSession(h.database.db, hashToken(token), row.id, h.clock.now(), h.deps.config.sessionMaxMs);
  return { id: row.id, token };
}

/** A vendor the secretariat created (so approved) with a user and a session; the caller's id is the vendor's. */
async function approvedVendor(key: string, name: string): Promise<Caller> {
  const vendor = (await ok(call('POST', '/api/vendors', tokens.secretariat, { name }), 201)).vendor;
  const user = await directUser(key, 'vendor', { vendorId: vendor.id });
  return { id: vendor.id, token: user.token };
}

// The routes' own cases are of fiscal year 2027: the 2026 open-data export stays the size of the world above.
async function proposalCase(title: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await ok(call('POST', '/api/cases', tokens.secretariat, { title, method: 'proposal', contractMode: 'individual', fiscalYear: 2027, ...extra }), 201)).case.id;
}

const BEFORE_DEADLINE = '2026-04-10T17:00:00.000+09:00';

/** A tender taking bids until 10 April, to be opened after 13 April 10:00. */
async function tender(title: string, offers: [Caller, number][]): Promise<string> {
  const sec = tokens.secretariat;
  const id = (await ok(call('POST', '/api/cases', sec, { title, method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2027 }), 201)).case.id as string;
  await ok(
    call('PUT', `/api/cases/${id}/bidding`, sec, {
      ceilingPrice: 10_000_000,
      ceilingPublic: false,
      floorPrice: 8_000_000,
      investigationPrice: 8_500_000,
      deadlineAt: BEFORE_DEADLINE,
      openingAt: '2026-04-13T10:00:00.000+09:00',
      maxRounds: 3,
    }),
  );
  await putSpec(h, sec!, id);
  await ok(call('POST', `/api/cases/${id}/transition`, sec, { to: 'open' }));
  for (const [i, [vendor, amount]] of offers.entries()) await ok(call('POST', `/api/cases/${id}/bids`, vendor.token, { amount, lotNumber: i * 7 }), 201);
  return id;
}

/**
 * Objects of their own for the routes whose accepted requests use something up or change what other
 * routes rely on, made while the deadlines of 10 April are still ahead.
 */
async function buildPoolsBeforeDeadlines() {
  const sec = tokens.secretariat;
  sharedHash = await hashPassword(PASSWORD);
  const tenderers: Caller[] = [];
  for (let i = 0; i < 5; i++) tenderers.push(await approvedVendor(`tenderer${i}`, i === 0 ? names.tenderer : `入札参加者${i}`));
  const bidders: Caller[] = [];
  for (let i = 0; i < 36; i++) bidders.push(await approvedVendor(`bidder${i}`, `応札者${i}`));
  pools.bidders = new Pool(bidders);
  pools.withdrawers = new Pool([...bidders]);

  // tenders: one to open, one opened (with a tie for the lot), three to be called for a re-bid, one under investigation
  ids.tenderDue = await tender('開札を待つ入札', [[tenderers[0]!, 9_100_000], [tenderers[1]!, 9_300_000]]);
  ids.tenderOpened = await tender(names.tenderTitle, [[tenderers[0]!, 9_200_000], [tenderers[1]!, 9_000_000], [tenderers[2]!, 9_000_000]]);
  const rebid: string[] = [];
  for (let i = 0; i < 3; i++) rebid.push(await tender('再度入札になる入札', [[tenderers[0]!, 11_000_000], [tenderers[1]!, 12_500_000]]));
  pools.rebid = new Pool(rebid);
  // every bid under the investigation threshold: rejecting one puts the next under investigation
  ids.investigation = await tender('低入札価格調査の入札', tenderers.map((t, i): [Caller, number] => [t, 8_100_000 + i * 50_000]));

  // a committee of two scoring five proposals: A fills every sheet in, B submits every sheet
  callers.scorerA = await directUser('scorerA', 'evaluator');
  callers.scorerB = await directUser('scorerB', 'evaluator');
  ids.scoring = await proposalCase('採点票の提出', { submissionDeadline: BEFORE_DEADLINE });
  await putSpec(h, sec!, ids.scoring!);
  await ok(call('POST', `/api/cases/${ids.scoring}/transition`, sec, { to: 'open' }));
  for (const [i, t] of tenderers.entries()) await ok(call('PUT', `/api/cases/${ids.scoring}/proposal`, t.token, { price: 8_000_000 + i * 100_000 }));
  await ok(
    call('PUT', `/api/cases/${ids.scoring}/evaluation`, sec, {
      criteria: [
        { code: 'func', name: names.criterion1, maxPoints: 40, mode: 'points' },
        { code: 'ops', name: names.criterion2, maxPoints: 30, mode: 'grade' },
      ],
      aggregation: 'average',
      evaluatorIds: [callers.scorerA.id, callers.scorerB.id],
      reason: '評価基準を定めます。',
    }),
  );
  pools.submit = new Pool(tenderers.map((t) => t.id));
  pools.reopen = new Pool(tenderers.map((t) => t.id));

  // evaluations to close: one proposal, one evaluator
  callers.closer = await directUser('closer', 'evaluator');
  const closing: string[] = [];
  for (let i = 0; i < 4; i++) {
    const id = await proposalCase('締め切る評価', { submissionDeadline: BEFORE_DEADLINE });
    await putSpec(h, sec!, id);
    await ok(call('POST', `/api/cases/${id}/transition`, sec, { to: 'open' }));
    await ok(call('PUT', `/api/cases/${id}/proposal`, tokens.vendor1, { price: 7_500_000 }));
    await ok(call('PUT', `/api/cases/${id}/evaluation`, sec, { criteria: [{ code: 'func', name: '機能', maxPoints: 10, mode: 'points' }], aggregation: 'average', evaluatorIds: [callers.closer.id], reason: '評価基準を定めます。' }));
    closing.push(id);
  }
  pools.close = new Pool(closing);
}

/** After the deadlines: the tenders opened, the sheets filled in and submitted. */
async function finishPoolsAfterDeadlines() {
  const sec = tokens.secretariat;
  for (const id of [ids.tenderOpened!, ...pools.rebid.items, ids.investigation!]) await ok(call('POST', `/api/cases/${id}/bids/open`, sec));
  await ok(call('POST', `/api/cases/${ids.scoring}/transition`, sec, { to: 'evaluation' }));
  for (const scorer of [callers.scorerA!, callers.scorerB!]) await ok(call('POST', `/api/cases/${ids.scoring}/evaluation/coi`, scorer.token, { conflict: false }));
  for (const vendorId of pools.submit.items) {
    await ok(call('PUT', `/api/cases/${ids.scoring}/evaluation/sheets/${vendorId}`, callers.scorerA!.token, { scores: { func: 20, ops: 'B' } }));
    await ok(call('PUT', `/api/cases/${ids.scoring}/evaluation/sheets/${vendorId}`, callers.scorerB!.token, { scores: { func: 30, ops: 'A' }, comment: names.sheetComment }));
    await ok(call('POST', `/api/cases/${ids.scoring}/evaluation/sheets/${vendorId}/submit`, callers.scorerB!.token));
  }
  for (const id of pools.close.items) {
    await ok(call('POST', `/api/cases/${id}/transition`, sec, { to: 'evaluation' }));
    await ok(call('POST', `/api/cases/${id}/evaluation/coi`, callers.closer!.token, { conflict: false }));
    await ok(call('PUT', `/api/cases/${id}/evaluation/sheets/${ids.vendor1}`, callers.closer!.token, { scores: { func: 5 } }));
    await ok(call('POST', `/api/cases/${id}/evaluation/sheets/${ids.vendor1}/submit`, callers.closer!.token));
  }
}

/** Objects of their own for the routes that change a case's setup, and pools that need no deadline. */
async function buildOwnObjects() {
  const sec = tokens.secretariat;
  const drafts: string[] = [];
  for (let i = 0; i < TRANSITION_RUNS; i++) drafts.push((await ok(call('POST', '/api/cases', sec, { title: '状態を進める案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2027 }), 201)).case.id);
  pools.transition = new Pool(drafts);
  const published: string[] = [];
  for (let i = 0; i < 8; i++) {
    const id = await proposalCase('決定を記録する案件', { method: 'negotiated', negotiatedGround: '2', negotiatedReason: '特定の者でなければ履行できないため', submissionDeadline: '2027-03-31T17:00:00.000+09:00' });
    await putSpec(h, sec!, id);
    await ok(call('POST', `/api/cases/${id}/transition`, sec, { to: 'open' }));
    published.push(id);
  }
  pools.award = new Pool(published);
  const committee: Caller[] = [];
  for (let i = 0; i < RUNS; i++) committee.push(await directUser(`declarer${i}`, 'evaluator'));
  pools.coi = new Pool(committee);
  ids.coi = await proposalCase('利害関係の申告');
  await ok(call('PUT', `/api/cases/${ids.coi}/evaluation`, sec, { criteria, aggregation: 'average', evaluatorIds: committee.map((e) => e.id) }));
  ids.evaluationSetup = await proposalCase('評価基準の設定');
  ids.rfiSetup = await proposalCase('情報提供依頼の設定');
  ids.specDraft = await proposalCase('仕様書の作成');
  await ok(call('PUT', `/api/cases/${ids.specDraft}/spec`, sec, { sections: [{ heading: names.specHeading, body: names.specBody }], requirements: [] }));
  // surveys: one taking proposals, two-stage ones to shortlist, candidates to decide, one linked to a running case
  ids.proposalSurvey = (await ok(call('POST', '/api/surveys', sec, { title: '候補の募集', stage: 'proposals' }), 201)).survey.id;
  const shortlisting: string[] = [];
  for (let i = 0; i < 6; i++) {
    const surveyId = (await ok(call('POST', '/api/surveys', sec, { title: '絞り込む調査', stage: 'proposals' }), 201)).survey.id as string;
    await ok(call('POST', `/api/surveys/${surveyId}/candidates`, a.member, { name: names.candidate1, note: names.candidate2 }), 201);
    await ok(call('POST', `/api/surveys/${surveyId}/candidates`, sec, { name: names.candidate2, memberId: ids.member1! }), 201);
    shortlisting.push(surveyId);
  }
  pools.shortlist = new Pool(shortlisting);
  const decideCodes = Array.from({ length: RUNS }, (_, i) => `c${i}`);
  ids.decideSurvey = (await ok(call('POST', '/api/surveys', sec, { title: '案件にする調査', candidates: decideCodes.map((code) => ({ code, name: `候補${code}` })) }), 201)).survey.id;
  await ok(call('PUT', `/api/surveys/${ids.decideSurvey}/responses/${ids.member}`, a.member, { ranking: ['c0'], intents: { c0: 'join', c1: 'join' } }));
  pools.decide = new Pool(decideCodes);
  ids.runningCase = await proposalCase('継続利用の案件');
  ids.linkedSurvey = (await ok(call('POST', '/api/surveys', sec, { title: '次年度参加意向調査', caseId: ids.runningCase, targetFiscalYear: 2028 }), 201)).survey.id;
  await ok(call('PUT', `/api/surveys/${ids.linkedSurvey}/responses/${ids.member}`, a.member, { intents: { join: 'join' } }));
  // the login runs sign in to accounts of their own: five wrong passwords hold only that account
  for (let i = 0; i < 3; i++) await directUser(`login${i}`, 'evaluator');
}

/** A 随意契約 awarded with participants, options and standard prices: its contracts, their CSV and its savings. */
async function buildContracts() {
  const sec = tokens.secretariat;
  ids.contracted = await proposalCase('随意契約による保守業務', {
    method: 'negotiated',
    negotiatedGround: '2',
    negotiatedReason: '既存システムの保守を継続できる者が一者に限られるため',
    contractMode: 'bulk',
    options: [
      { code: 'users', name: names.option1, price: 1200 },
      { code: 'consult', name: names.option2, price: 50_000 },
    ],
  });
  for (const [memberId, options, standardPrice] of [
    [ids.member1, { users: 3, consult: true }, 1_500_000],
    [ids.member2, {}, 700_000],
    [ids.member3, { consult: true }, null],
    [ids.member, {}, 900_000],
  ] as const) {
    await ok(call('PUT', `/api/cases/${ids.contracted}/participants/${memberId}`, sec, { participating: true, options, standardPrice }));
  }
  await ok(call('PUT', `/api/cases/${ids.contracted}/apportionment`, sec, { method: 'equal', total: 1_000_000 }));
  await ok(call('POST', `/api/cases/${ids.contracted}/award`, sec, { vendorId: ids.vendor1!, amount: 3_000_000 }), 201);
  // the award closed 2027; 2028–2047 are closed next, each to take one amendment (変更) of member2's options
  for (let year = 2028; year < 2048; year += 1) await ok(call('POST', `/api/cases/${ids.contracted}/years/${year}/close`, sec, {}));
  pools.amend = new Pool(Array.from({ length: 20 }, (_, i) => 2028 + i));
  // each accepted close takes a later year
  pools.years = new Pool(Array.from({ length: 40 }, (_, i) => 2048 + i));
}

async function buildWorld() {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000, maxUploadBytes: 256 * 1024 });
  // uploads land in a root nested inside a sandbox, so a file written outside the root is still seen
  sandbox = await mkdtemp(join(tmpdir(), 'wb-hostile-'));
  storageRoot = join(sandbox, 'outer', 'inner', 'files');
  h.deps.storage = localStorage(storageRoot);
  a = await createTenant(h, 'hx');
  const sec = a.secretariat;
  tokens.secretariat = sec;
  tokens.member = a.member;
  tokens.evaluator = a.evaluator;
  tokens.vendor = a.vendor;
  tokens.otherVendor = a.otherVendor;
  tokens.operator = await h.login(OPERATOR.email, OPERATOR.password);
  ids.consortium = a.consortiumId;
  ids.member = a.memberIds[0]!;

  for (const [key, name] of [['member1', names.member1], ['member2', names.member2], ['member3', names.member3]] as const) {
    ids[key] = (await ok(call('POST', '/api/members', sec, { name, kind: 'town', population: 5000, births: { '2024': 30 } }), 201)).member.id;
  }
  for (const [key, name] of [['vendor1', names.vendor1], ['vendor2', names.vendor2]] as const) {
    const reg = await ok(call('POST', '/api/vendors/register', undefined, { consortiumId: a.consortiumId, companyName: name, email: `hostile-${key}@test.example`, name: '担当', password: PASSWORD }), 201);
    ids[key] = reg.vendor.id;
    tokens[key] = await h.login(`hostile-${key}@test.example`);
    // a vendor that registered itself waits for the secretariat (入札参加資格): approved, so it proposes and bids
    await ok(call('POST', `/api/vendors/${ids[key]}/qualification`, sec, { status: 'approved' }));
  }
  // one left waiting, for the secretariat's decisions
  ids.applicant = (await ok(call('POST', '/api/vendors/register', undefined, { consortiumId: a.consortiumId, companyName: names.applicant, email: 'hostile-applicant@test.example', name: '担当', password: PASSWORD }), 201)).vendor.id;
  for (const [key, name] of [['hostileEvaluator', names.evaluator], ['iin2', '委員二'], ['throwaway', '無効化候補']] as const) {
    const u = await ok(call('POST', '/api/users', sec, { email: `hostile-${key}@test.example`, name, role: 'evaluator', password: PASSWORD }), 201);
    ids[key] = u.user.id;
    // the throwaway account is only renamed and logged out, never logged in with its password
    if (key !== 'throwaway') tokens[key] = await h.login(`hostile-${key}@test.example`);
  }
  ids.evaluator = (await ok(call('GET', '/api/me', a.evaluator))).user.id;
  // sessions for the logout runs, each ended by its run (made as a login makes them, without hashing a password each time)
  for (let i = 0; i < 24; i++) {
    const token = newSessionToken();
    await createSession(h.database.db, hashToken(token), ids.throwaway!, h.clock.now(), h.deps.config.sessionMaxMs);
    logoutTokens.push(token);
  }

  // a case under opinion inquiry: participants with options, apportionment, the spec and a comment
  const review = await ok(
    call('POST', '/api/cases', sec, {
      title: names.reviewTitle,
      description: names.description,
      method: 'proposal',
      contractMode: 'bulk',
      fiscalYear: 2026,
      options: [
        { code: 'users', name: names.option1, price: 1200 },
        { code: 'consult', name: names.option2, price: 50_000 },
      ],
    }),
    201,
  );
  ids.review = review.case.id;
  for (const [memberId, options] of [
    [ids.member1, { users: 3, consult: true }],
    [ids.member2, { users: 0 }],
    [ids.member3, { consult: true }],
    [ids.member, {}],
  ] as const) {
    await ok(call('PUT', `/api/cases/${ids.review}/participants/${memberId}`, sec, { participating: true, options }));
  }
  await ok(call('PUT', `/api/cases/${ids.review}/apportionment`, sec, { method: 'equal', total: 1_000_000 }));
  await ok(
    call('PUT', `/api/cases/${ids.review}/spec`, sec, {
      sections: [
        { heading: names.specHeading, body: names.specBody },
        { heading: '業務の目的', body: '共同調達の目的' },
      ],
      requirements: [{ code: 'F-1', text: names.requirement, level: 'must' }],
    }),
  );
  await ok(call('POST', `/api/cases/${ids.review}/transition`, sec, { to: 'spec_review' }));
  ids.comment = (await ok(call('POST', `/api/cases/${ids.review}/spec/comments`, a.member, { section: names.specHeading, text: names.comment }), 201)).comment.id;
  await ok(call('PUT', `/api/cases/${ids.review}/spec/comments/${ids.comment}`, sec, { response: names.commentResponse, reflected: true }));

  // a published case taking RFI answers and proposals
  ids.open = (await ok(call('POST', '/api/cases', sec, { title: '文書管理システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2027-03-31T17:00:00.000+09:00', questionDeadline: '2027-01-31T17:00:00.000+09:00' }), 201)).case.id;
  await ok(
    call('PUT', `/api/cases/${ids.open}/rfi`, sec, {
      deadline: '2027-01-31T17:00:00.000+09:00',
      questions: [
        { code: 'summary', text: names.question, kind: 'text' },
        { code: 'note', text: '補足', kind: 'text' },
        { code: 'users', text: '想定利用者数', kind: 'number' },
        { code: 'lgwan', text: 'LGWAN対応', kind: 'yesno' },
        { code: 'hosting', text: '提供形態', kind: 'choice', choices: [names.choice1, names.choice2] },
        { code: 'price', text: '参考見積額', kind: 'price' },
      ],
      reason: '情報提供依頼の質問を定めます。',
    }),
  );
  // published as an RFI once it has its questions
  await ok(call('POST', `/api/cases/${ids.open}/transition`, sec, { to: 'rfi' }));
  for (const [vendor, summary, note] of [
    ['vendor1', CONTROL_FORMULAS[0]!, FORMULAS[0]!],
    ['vendor2', CONTROL_FORMULAS[1]!, SCRIPT],
  ] as const) {
    await ok(call('PUT', `/api/cases/${ids.open}/rfi/response`, tokens[vendor], { answers: { ...vendor1Answers, summary, note }, submit: true }));
  }
  const rfiUpload = multipart([{ name: 'file', filename: names.rfiFile, content: pdfBytes(600) }]);
  ids.rfiFile = (await ok(h.call('POST', `/api/cases/${ids.open}/rfi/response/files`, { token: tokens.vendor1, body: rfiUpload.body, headers: { 'content-type': rfiUpload.contentType } }), 201)).file.id;
  await putSpec(h, sec!, ids.open!);
  await ok(call('POST', `/api/cases/${ids.open}/transition`, sec, { to: 'open' }));
  await ok(call('PUT', `/api/cases/${ids.open}/proposal`, tokens.vendor1, { price: 9_000_000 }));
  await ok(call('PUT', `/api/cases/${ids.open}/proposal`, a.otherVendor, { price: 9_500_000 }));
  const proposalUpload = multipart([{ name: 'file', filename: '提案書.pdf', content: pdfBytes(800) }]);
  ids.proposalFile = (await ok(h.call('POST', `/api/cases/${ids.open}/proposal/files`, { token: tokens.vendor1, body: proposalUpload.body, headers: { 'content-type': proposalUpload.contentType } }), 201)).file.id;
  // a question answered and worded for publication, waiting for the publication the generated runs make
  ids.question = (await ok(call('POST', `/api/cases/${ids.open}/questions`, tokens.vendor1, { text: names.askedQuestion, section: names.specHeading }), 201)).question.id;
  await ok(call('PUT', `/api/cases/${ids.open}/questions/${ids.question}`, sec, { answer: names.questionAnswer, publishedText: names.publishedQuestion }));

  // two cases evaluated by a committee: one still being scored, one closed and awarded
  for (const key of ['evaluating', 'closed'] as const) {
    const created = await ok(
      call('POST', '/api/cases', sec, { title: key === 'closed' ? names.closedTitle : '評価中の案件', description: names.description, method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' }),
      201,
    );
    ids[key] = created.case.id;
    await putSpec(h, sec!, ids[key]!);
    await ok(call('POST', `/api/cases/${ids[key]}/transition`, sec, { to: 'open' }));
    for (const [vendor, price] of [['vendor1', 8_000_000], ['vendor2', 9_000_000]] as const) await ok(call('PUT', `/api/cases/${ids[key]}/proposal`, tokens[vendor], { price }));
    const committee = key === 'closed' ? [ids.hostileEvaluator] : [ids.evaluator, ids.iin2];
    await ok(call('PUT', `/api/cases/${ids[key]}/evaluation`, sec, { criteria, aggregation: 'average', passRatio: 0.1, evaluatorIds: committee, reason: '評価基準を定めます。' }));
  }

  // a tender taking sealed bids
  ids.bid = (await ok(call('POST', '/api/cases', sec, { title: '電子入札の案件', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 }), 201)).case.id;
  await ok(
    call('PUT', `/api/cases/${ids.bid}/bidding`, sec, {
      ceilingPrice: 10_000_000,
      ceilingPublic: false,
      floorPrice: 8_000_000,
      investigationPrice: 8_500_000,
      deadlineAt: '2027-03-01T17:00:00.000+09:00',
      openingAt: '2027-03-02T10:00:00.000+09:00',
    }),
  );
  await putSpec(h, sec!, ids.bid!);
  await ok(call('POST', `/api/cases/${ids.bid}/transition`, sec, { to: 'open' }));
  await ok(call('POST', `/api/cases/${ids.bid}/bids`, tokens.vendor1, { amount: 9_100_000, lotNumber: 123 }), 201);

  await buildPoolsBeforeDeadlines();

  // after the proposal deadline
  h.clock.set('2026-04-14T10:00:00.000+09:00');
  for (const key of ['evaluating', 'closed'] as const) await ok(call('POST', `/api/cases/${ids[key]}/transition`, sec, { to: 'evaluation' }));
  await ok(call('POST', `/api/cases/${ids.evaluating}/evaluation/coi`, a.evaluator, { conflict: false }));
  await ok(call('PUT', `/api/cases/${ids.evaluating}/evaluation/sheets/${ids.vendor1}`, a.evaluator, { scores: { func: 20 }, comment: names.sheetComment }));
  await ok(call('POST', `/api/cases/${ids.closed}/evaluation/coi`, tokens.hostileEvaluator, { conflict: false }));
  for (const [vendor, func, ops] of [['vendor1', 35, 'A'], ['vendor2', 30, 'B']] as const) {
    await ok(call('PUT', `/api/cases/${ids.closed}/evaluation/sheets/${ids[vendor]}`, tokens.hostileEvaluator, { scores: { func, ops }, comment: names.sheetComment }));
    await ok(call('POST', `/api/cases/${ids.closed}/evaluation/sheets/${ids[vendor]}/submit`, tokens.hostileEvaluator));
  }
  await ok(call('POST', `/api/cases/${ids.closed}/evaluation/close`, sec));
  await ok(call('POST', `/api/cases/${ids.closed}/award`, sec, {}), 201);
  await finishPoolsAfterDeadlines();

  // surveys: one answered, one kept for renaming
  ids.survey = (await ok(call('POST', '/api/surveys', sec, { title: names.surveyTitle, candidates: [{ code: 'a', name: names.candidate1 }, { code: 'b', name: names.candidate2 }] }), 201)).survey.id;
  await ok(call('PUT', `/api/surveys/${ids.survey}/responses/${ids.member}`, a.member, { ranking: ['a', 'b'], intents: { a: 'join', b: 'study' } }));
  ids.surveyToRename = (await ok(call('POST', '/api/surveys', sec, { title: '改名用', candidates: [{ code: 'a', name: 'A' }] }), 201)).survey.id;

  // another consortium with a published case: the public export lists every consortium
  const other = await ok(call('POST', '/api/consortia', tokens.operator, { name: names.publicConsortium, secretariat: { email: 'sec-pub@test.example', name: '公開', password: PASSWORD } }), 201);
  ids.otherConsortium = other.consortium.id;
  const otherSec = await h.login('sec-pub@test.example');
  tokens.otherSecretariat = otherSec;
  ids.foreignCase = (await ok(call('POST', '/api/cases', otherSec, { title: names.publicTitle, method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 }), 201)).case.id;
  await ok(call('PUT', `/api/cases/${ids.foreignCase}/rfi`, otherSec, { deadline: '2027-01-31T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] }));
  await ok(call('POST', `/api/cases/${ids.foreignCase}/transition`, otherSec, { to: 'rfi' }));
  ids.foreignMember = (await ok(call('POST', '/api/members', otherSec, { name: '他協議会の団体', kind: 'city' }), 201)).member.id;
  await buildOwnObjects();
  await buildContracts();

  // a notification of the member's, and the evaluator's calendar address
  ids.notification = newId();
  const memberUserId = (await ok(call('GET', '/api/me', a.member))).user.id as string;
  await h.database.db.execute(
    sql`insert into notifications (id, consortium_id, user_id, kind, subject, body, link, created_at) values (${ids.notification}, ${a.consortiumId}, ${memberUserId}, 'survey_opened', ${`【意向調査】${names.surveyTitle}`}, ${names.description}, ${`/surveys/${ids.survey}`}, now())`,
  );
  ids.calendarFile = new URL((await ok(call('POST', '/api/calendar/token', a.evaluator), 201)).url).pathname.split('/').pop()!;
}

// ---------------------------------------------------------------------------------------------------
// requests and checks

interface Part {
  name: string;
  filename?: string;
  /** raw bytes for the filename parameter, when it must not be UTF-8 */
  filenameBytes?: Uint8Array;
  /** the name as an RFC 5987 extended parameter (filename*=UTF-8''…), which can carry any character */
  filenameStar?: string;
  content: Uint8Array;
  type?: string;
}

/** A multipart/form-data body built byte by byte, so names can carry anything. */
function multipart(parts: Part[], { truncate = false, boundary = `----hx${Math.random().toString(16).slice(2)}` } = {}) {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    chunks.push(utf8(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`));
    if (part.filenameBytes) chunks.push(utf8('; filename="'), part.filenameBytes, utf8('"'));
    else if (part.filename !== undefined) chunks.push(utf8(`; filename="${part.filename}"`));
    if (part.filenameStar !== undefined) chunks.push(utf8(`; filename*=UTF-8''${encodeURIComponent(part.filenameStar)}`));
    chunks.push(utf8(`\r\nContent-Type: ${part.type ?? 'application/pdf'}\r\n\r\n`), part.content, utf8('\r\n'));
  }
  if (!truncate) chunks.push(utf8(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), contentType: `multipart/form-data; boundary=${boundary}` };
}

interface Wire {
  method: string;
  path: string;
  token?: string | undefined;
  headers: Record<string, string>;
  body?: Uint8Array;
  chunked?: boolean;
  note?: string;
  /** a path segment was replaced with a hostile or foreign one (its 404 is the router's or the lookup's, not the handler's work) */
  segmentMutated?: boolean;
}

const preview = (w: Wire) => {
  const body = w.body ? new TextDecoder().decode(w.body.subarray(0, 160)) : '';
  return `${w.method} ${w.path.slice(0, 200)} ${JSON.stringify(w.headers).slice(0, 200)} ${w.chunked ? '(chunked) ' : ''}${w.note ? `[${w.note}] ` : ''}${JSON.stringify(body)}${(w.body?.length ?? 0) > 160 ? `…(${w.body!.length} bytes)` : ''}`;
};

/** Gives a generated request a readable form in fast-check's counterexample report. */
function printable(w: Wire): Wire {
  return Object.assign(w, { [fc.toStringMethod]: () => preview(w) });
}

function chunkedStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = Math.min(64 * 1024, bytes.length - offset);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** Sends as a Node server would receive it: with a Content-Length, or chunked. */
function send(w: Wire): Promise<Reply> {
  const headers = { ...w.headers };
  let body: Uint8Array | ReadableStream | undefined;
  if (w.body !== undefined) {
    const bytes = fillLate(w.body);
    if (w.chunked) {
      headers['transfer-encoding'] = 'chunked';
      body = chunkedStream(bytes);
    } else {
      headers['content-length'] = String(bytes.byteLength);
      body = bytes;
    }
  }
  return h.call(w.method, w.path, { token: w.token, headers, body });
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let snapshotQuery: string | undefined;

/**
 * Per table, its row count and the newest transaction that wrote one of its rows (xmin), and every
 * file under the sandbox. Any committed insert, update or delete shows: an insert or an update writes
 * a row version whose xmin is newer than every row seen before, a delete lowers the count. That is
 * stricter than a checksum of the contents (an update writing the same values shows too) and a
 * fifth of its cost, which every request sent through exercise() pays once.
 */
async function snapshot(): Promise<Record<string, string>> {
  const db = h.database.db;
  if (!snapshotQuery) {
    const tables = rowsOf<{ name: string }>(await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`)).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'cases', 'members', 'vendors', 'files', 'bids', 'sheets']));
    snapshotQuery = tables
      .map((t) =>
        t === 'sessions'
          ? // when a session was last seen is bookkeeping, not a change a refusal could make: the rest of each session is summed as a checksum
            `select 'sessions' as t, count(*)::int as n, coalesce(sum(hashtextextended(token_hash || user_id || expires_at::text, 0)), 0)::text as s from sessions`
          : `select '${t}' as t, count(*)::int as n, coalesce(max(xmin::text::bigint), 0)::text as s from "${t}"`,
      )
      .join(' union all ');
  }
  const rows = rowsOf<{ t: string; n: number; s: string }>(await db.execute(sql.raw(snapshotQuery)));
  const out: Record<string, string> = Object.fromEntries(rows.map((r) => [r.t, `${r.n} rows ${r.s}`]));
  out['files on disk'] = (await filesUnder(sandbox)).join('\n');
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(sandbox, join(e.parentPath, e.name)))
    .sort();
}

/** Every stored file sits at files/objects/<two characters>/<server key>; nothing else is left behind. */
async function expectStorageTidy(listed?: string) {
  for (const file of listed === undefined ? await filesUnder(sandbox) : listed.split('\n').filter(Boolean)) {
    expect(file, 'a file outside the storage objects').toMatch(new RegExp(`^outer\\${sep}inner\\${sep}files\\${sep}objects\\${sep}[a-z0-9-]{2}\\${sep}[a-z0-9-]{8,64}$`));
  }
}

const knownCodes = new Set(Object.keys(errorStatus));
const STACK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Error: /;

/** The invariants of any answer to any request. */
function expectWellFormed(w: Wire, res: Reply) {
  const where = `${preview(w)}\n→ ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(200);
  expect(res.status, where).toBeLessThan(500);
  if (res.status < 400) return;
  expect(res.text, where).not.toMatch(STACK);
  expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
  const body = res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  expect(body && typeof body === 'object' && body.error && typeof body.error === 'object', where).toBe(true);
  const { code, message, ...rest } = body.error!;
  expect(knownCodes.has(code as string), `unknown code ${String(code)}: ${where}`).toBe(true);
  expect(errorStatus[code as keyof typeof errorStatus], `status of ${String(code)}: ${where}`).toBe(res.status);
  expect(typeof message === 'string' && message.length > 0, where).toBe(true);
  expect(Object.keys(rest).filter((k) => k !== 'details'), where).toEqual([]);
  // the member and vendor imports also answer their outcome next to the error
  const extra = Object.keys(body).filter((k) => k !== 'error');
  if (!/^\/api\/(members|vendors)\/import/.test(w.path)) expect(extra, where).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------
// the plan: who may call each route, with which objects, and what a valid body looks like

/** The member list: 団体名, 区分, 団体コード (registered ones are updated), 人口, 出生数. */
const memberCsv: CsvSpec = {
  headers: [
    ['name', 'kind', 'code', 'population', 'births_2024'],
    ['団体名', '区分', '団体コード', '人口', '出生数_2024'],
  ],
  rows: fc
    .array(
      fc.tuple(fc.constantFrom('取込町', '取込村', '広域組合', '取込市'), fc.constantFrom('town', 'village', 'union', '町', '村', '市'), fc.constantFrom('', ...IMPORT_CODES), fc.constantFrom('', '1200', '１，２００', '98,765'), fc.constantFrom('', '12', '0')),
      { minLength: 1, maxLength: 3 },
    )
    // a code twice in one file is refused: each row keeps its own
    .map((rows) => rows.map((r, i) => (rows.findIndex((x) => x[2] === r[2]) === i ? r : [r[0], r[1], '', r[3], r[4]]))),
  hostileCell: (column) => (column === 0 ? hostileText : fc.oneof(hostileString, fc.constantFrom('-1', '1e308', '=1+1', '011003', '１２', '9'.repeat(12), 'metropolis'))),
  exotic: () => csvBody,
};

/** The qualified list: 商号 and 法人番号 (a registered number approves its vendor), in either order, with other columns passed over. */
const vendorCsv: CsvSpec = {
  headers: [
    ['商号', '法人番号', '所在地'],
    ['name', 'corporate_number', 'address'],
  ],
  rows: fc
    .tuple(fc.shuffledSubarray(IMPORT_NUMBERS, { minLength: 1, maxLength: 3 }), fc.constantFrom('取込商事', '株式会社取込', '取込（同）'))
    .map(([numbers, name]) => numbers.map((n, i) => [`${name}${i}`, i % 2 === 0 ? n : `${n.slice(0, 1)}-${n.slice(1, 5)}-${n.slice(5, 9)}-${n.slice(9)}`, '熊本市'])),
  hostileCell: (column) => (column === 0 ? hostileText : fc.oneof(hostileString, fc.constantFrom('7000012050003', '7.00001E+12', '=1+1', '１'.repeat(13), ''))),
  exotic: () => vendorCsvBody,
};

type BodyKind = 'json' | 'none' | 'multipart' | 'csv';
interface Plan {
  /** who calls: a key of `tokens`, 'anyone', 'fresh-session', or the pooled caller of the moment */
  as: string | (() => string);
  params: Record<string, () => string>;
  body: BodyKind;
  /** valid bodies for the world as it is when the route runs (placeholders `late(…)` are filled in as sent) */
  templates?: () => object[];
  /** the CSV file a 'csv' route takes */
  csv?: CsvSpec;
  /** generated runs for this route (documents render a PDF per run, so they get fewer) */
  runs?: number;
  /** after each request: a pooled object it used up is left behind */
  after?: (res: Reply) => void;
}

const RUNS = 15;
const TRANSITION_RUNS = 60;
const PDF_RUNS = 6;
/** The share of generated write requests that must reach their handler (see reachedHandler). */
const REACHED_WRITES = 0.5;
const later = '2027-02-01T10:00:00.000+09:00';
const laterStill = '2027-02-02T10:00:00.000+09:00';

const id = (key: string) => () => ids[key]!;
const caseParam = (key: string) => ({ id: id(key) });
const errorCode = (res: Reply): string | undefined => (res.status >= 400 ? res.body?.error?.code : undefined);
/** Moves the pool on once a request was accepted, or was refused because the current object is used up already. */
const usesUp =
  (pool: () => Pool<unknown>, ...spentCodes: string[]) =>
  (res: Reply) => {
    if (res.status < 300 || spentCodes.includes(errorCode(res) ?? '')) pool().take();
  };

const memberKindsAll = ['prefecture', 'city', 'town', 'village', 'union', 'other'];

const plans: Record<string, Plan> = {
  'POST /api/auth/login': {
    as: 'anyone',
    params: {},
    body: 'json',
    templates: () => [0, 1, 2].map((i) => ({ email: `hostile-login${i}@test.example`, password: PASSWORD })),
  },
  'POST /api/auth/logout': { as: 'fresh-session', params: {}, body: 'none' },
  'GET /api/me': { as: 'member', params: {}, body: 'none' },
  'POST /api/consortia': { as: 'operator', params: {}, body: 'json', templates: () => [{ name: '新協議会', secretariat: { email: `new-sec-${late('uniq')}@test.example`, name: '事務局', password: PASSWORD } }] },
  'GET /api/consortia': { as: 'operator', params: {}, body: 'none' },
  'GET /api/consortium/settings': { as: 'secretariat', params: {}, body: 'none' },
  'PUT /api/consortium/settings': {
    as: 'secretariat',
    params: {},
    body: 'json',
    templates: () => [{ issuerName: '熊本県市町村DX推進協議会', issuerTitle: '会長 熊本県知事', issuerPerson: '木村 敬', address: '熊本市中央区水前寺6-18-1', contact: '電話 096-000-0000', documentNumberPattern: '熊DX協第{n}号', era: 'wareki', seal: 'omitted' }],
  },
  'POST /api/users': {
    as: 'secretariat',
    params: {},
    body: 'json',
    templates: () => [
      { email: `new-user-${late('uniq')}@test.example`, name: '利用者', role: 'evaluator', password: PASSWORD },
      { email: `new-member-${late('uniq')}@test.example`, name: '利用者', role: 'member', password: PASSWORD, memberId: ids.member1! },
      { email: `new-vendor-${late('uniq')}@test.example`, name: '利用者', role: 'vendor', password: PASSWORD, vendorId: ids.vendor2! },
    ],
  },
  'GET /api/users': { as: 'secretariat', params: {}, body: 'none' },
  'PATCH /api/users/:id': { as: 'secretariat', params: { id: id('throwaway') }, body: 'json', templates: () => [{ name: '改名', disabled: false }] },
  'POST /api/members': {
    as: 'secretariat',
    params: {},
    body: 'json',
    templates: () => [
      { name: '新しい町', kind: 'town', code: late('memberCode'), population: 1000, births: { '2024': 10 } },
      { name: '新しい組合', kind: 'union' },
    ],
  },
  'POST /api/members/import': { as: 'secretariat', params: {}, body: 'csv', csv: memberCsv },
  'GET /api/members': { as: 'evaluator', params: {}, body: 'none' },
  'GET /api/members/:id': { as: 'secretariat', params: { id: id('member1') }, body: 'none' },
  'POST /api/vendors': { as: 'secretariat', params: {}, body: 'json', templates: () => [{ name: '新しい事業者' }, { name: '法人番号のある事業者', corporateNumber: late('corporateNumber') }] },
  'POST /api/vendors/register': {
    as: 'anyone',
    params: {},
    body: 'json',
    templates: () => [{ consortiumId: ids.consortium!, companyName: '登録事業者', email: `reg-${late('uniq')}@test.example`, name: '担当', password: PASSWORD }],
  },
  'GET /api/vendors': { as: 'secretariat', params: {}, body: 'none' },
  'POST /api/vendors/import': { as: 'secretariat', params: {}, body: 'csv', csv: vendorCsv },
  // a decision that changes nothing is refused: the two alternate
  'POST /api/vendors/:id/qualification': {
    as: 'secretariat',
    params: { id: id('applicant') },
    body: 'json',
    templates: () => [{ status: 'rejected', reason: '書類の不備' }, { status: 'approved', reason: '確認済み' }],
  },
  'GET /api/vendors/:id': { as: 'vendor1', params: { id: id('vendor1') }, body: 'none' },
  'PATCH /api/vendors/:id': {
    as: 'secretariat',
    params: { id: id('vendor1') },
    body: 'json',
    templates: () => [{ address: '熊本市中央区水前寺6丁目18番1号', representative: '代表取締役 山田 太郎' }, { address: null }, { representative: '' }],
  },
  'POST /api/cases': {
    as: 'secretariat',
    params: {},
    body: 'json',
    templates: () => [
      { title: '新規案件', description: '説明', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, options: [{ code: 'a', name: 'A', price: 1000 }], submissionDeadline: later },
    ],
  },
  'GET /api/cases': { as: 'vendor1', params: {}, body: 'none' },
  'GET /api/cases/:id': { as: 'evaluator', params: caseParam('evaluating'), body: 'none' },
  'PATCH /api/cases/:id': {
    as: 'secretariat',
    params: caseParam('review'),
    body: 'json',
    templates: () => [{ title: names.reviewTitle, description: names.description, options: [{ code: 'users', name: names.option1, price: 1200 }, { code: 'consult', name: names.option2, price: 50_000 }] }],
  },
  // each accepted move takes a draft case of its own
  'POST /api/cases/:id/transition': {
    as: 'secretariat',
    params: { id: () => pools.transition.current },
    body: 'json',
    templates: () => [{ to: 'rfi' }, { to: 'spec_review' }, { to: 'open' }, { to: 'cancelled' }],
    after: usesUp(() => pools.transition),
    // its one field is a code, so most generated bodies are refused at the schema (2–5 of 30 were accepted,
    // and once none): more runs make sure some are accepted
    runs: TRANSITION_RUNS,
  },
  // the generated case edits may have replaced the review case's options: a body without options stays valid
  'PUT /api/cases/:id/participants/:memberId': {
    as: 'member',
    params: { id: id('review'), memberId: id('member') },
    body: 'json',
    templates: () => [{ participating: true, options: { users: 2, consult: true } }, { participating: true, options: {} }],
  },
  'GET /api/cases/:id/participants': { as: 'member', params: caseParam('review'), body: 'none' },
  'PUT /api/cases/:id/apportionment': {
    as: 'secretariat',
    params: caseParam('review'),
    body: 'json',
    templates: () => [{ method: 'equal', total: 1_000_000 }, { method: 'tier', tierPrices: Object.fromEntries(memberKindsAll.map((k, i) => [k, 10_000 * (i + 1)])) }, { method: 'none' }],
  },
  'GET /api/cases/:id/apportionment': { as: 'member', params: caseParam('review'), body: 'none' },
  'GET /api/cases/:id/apportionment.csv': { as: 'secretariat', params: caseParam('review'), body: 'none' },
  // a closed year never changes: each accepted close is another year's
  'POST /api/cases/:id/years/:fiscalYear/close': {
    as: 'secretariat',
    params: { id: id('contracted'), fiscalYear: () => String(pools.years.current) },
    body: 'none',
    after: usesUp(() => pools.years, 'year_closed'),
  },
  'GET /api/cases/:id/years': { as: 'member', params: caseParam('contracted'), body: 'none' },
  // an amendment records a change once: each accepted one is another year's
  'POST /api/cases/:id/years/:fiscalYear/amendments': {
    as: 'secretariat',
    params: { id: id('contracted'), fiscalYear: () => String(pools.amend.current) },
    body: 'json',
    templates: () => [{ reason: '利用者IDの追加（変更契約）', changes: [{ memberId: ids.member2!, participating: true, options: { users: 2 } }] }],
    after: usesUp(() => pools.amend, 'conflict'),
  },
  'PUT /api/cases/:id/contract-party': { as: 'secretariat', params: caseParam('contracted'), body: 'json', templates: () => [{ memberId: ids.member1! }, { memberId: null }] },
  'GET /api/cases/:id/contracts': { as: 'member', params: caseParam('contracted'), body: 'none' },
  'GET /api/cases/:id/contracts.csv': { as: 'secretariat', params: caseParam('contracted'), body: 'none' },
  'GET /api/cases/:id/savings': { as: 'member', params: caseParam('contracted'), body: 'none' },
  'POST /api/surveys': { as: 'secretariat', params: {}, body: 'json', templates: () => [{ title: '意向調査', candidates: [{ code: 'a', name: 'A' }, { code: 'b', name: 'B' }], points: [2, 1], threshold: 0.25 }] },
  'GET /api/surveys': { as: 'member', params: {}, body: 'none' },
  'GET /api/surveys/:id': { as: 'member', params: { id: id('survey') }, body: 'none' },
  'PATCH /api/surveys/:id': { as: 'secretariat', params: { id: id('surveyToRename') }, body: 'json', templates: () => [{ title: '改名', closesAt: null }] },
  'PUT /api/surveys/:id/responses/:memberId': { as: 'member', params: { id: id('survey'), memberId: id('member') }, body: 'json', templates: () => [{ ranking: ['a', 'b'], intents: { a: 'join', b: 'none' } }] },
  'GET /api/surveys/:id/responses': { as: 'secretariat', params: { id: id('survey') }, body: 'none' },
  'GET /api/surveys/:id/responses/:memberId': { as: 'member', params: { id: id('survey'), memberId: id('member') }, body: 'none' },
  'GET /api/surveys/:id/results': { as: 'member', params: { id: id('survey') }, body: 'none' },
  'GET /api/surveys/:id/results.csv': { as: 'secretariat', params: { id: id('survey') }, body: 'none' },
  // the first stage of a survey of its own (never shortlisted); each accepted proposal has a name of its own
  'POST /api/surveys/:id/candidates': { as: 'member', params: { id: id('proposalSurvey') }, body: 'json', templates: () => [{ name: `提案システム${late('uniq')}`, note: '提案の理由' }] },
  // a shortlist ends the first stage: each accepted one is another survey's
  'POST /api/surveys/:id/shortlist': {
    as: 'secretariat',
    params: { id: () => pools.shortlist.current },
    body: 'json',
    templates: () => [{ codes: ['P1', 'P2'], reason: '提案の多かった候補に絞る' }, { codes: ['P2'] }],
    after: usesUp(() => pools.shortlist, 'survey_stage'),
  },
  // a candidate becomes one case: each accepted request decides another candidate
  'POST /api/surveys/:id/candidates/:code/case': {
    as: 'secretariat',
    params: { id: id('decideSurvey'), code: () => pools.decide.current },
    body: 'json',
    templates: () => [
      { title: '候補からの調達案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2027, reason: '政策的に実施する' },
      { title: '候補からの入札案件', method: 'competitive_bid', reason: '県の計画に基づき実施する' },
    ],
    after: usesUp(() => pools.decide, 'conflict'),
  },
  // confirming again leaves the members already in as they are
  'POST /api/surveys/:id/confirm': { as: 'secretariat', params: { id: id('linkedSurvey') }, body: 'json', templates: () => [{ memberIds: [ids.member1!, ids.member2!, ids.member3!] }] },
  // on a case of its own: the RFI of `open` stays the one its vendors answer
  'PUT /api/cases/:id/rfi': {
    as: 'secretariat',
    params: caseParam('rfiSetup'),
    body: 'json',
    templates: () => [
      {
        deadline: '2027-01-31T17:00:00.000+09:00',
        questions: [
          { code: 'summary', text: names.question, kind: 'text' },
          { code: 'hosting', text: '提供形態', kind: 'choice', choices: [names.choice1, names.choice2] },
          { code: 'price', text: '参考見積額', kind: 'price' },
        ],
      },
    ],
  },
  'GET /api/cases/:id/rfi': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  'PUT /api/cases/:id/rfi/response': {
    as: 'vendor1',
    params: caseParam('open'),
    body: 'json',
    templates: () => [{ answers: { summary: '概要', note: '補足', users: 10, lgwan: true, hosting: names.choice1, price: 7_000_000 }, submit: true }],
  },
  'GET /api/cases/:id/rfi/response': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  'POST /api/cases/:id/rfi/response/files': { as: 'vendor1', params: caseParam('open'), body: 'multipart' },
  'GET /api/cases/:id/rfi/responses': { as: 'secretariat', params: caseParam('open'), body: 'none' },
  'GET /api/cases/:id/rfi/responses.csv': { as: 'secretariat', params: caseParam('open'), body: 'none' },
  // questions on the open case (before its 質問受付期限); the first accepted publication publishes the answered one, the later ones are 409
  'GET /api/cases/:id/questions': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  'POST /api/cases/:id/questions': { as: 'vendor1', params: caseParam('open'), body: 'json', templates: () => [{ text: '質問', section: '仕様書 第1' }, { text: '該当箇所のない質問' }] },
  'POST /api/cases/:id/questions/publish': { as: 'secretariat', params: caseParam('open'), body: 'none', runs: PDF_RUNS },
  'PUT /api/cases/:id/questions/:questionId': {
    as: 'secretariat',
    params: { id: id('open'), questionId: id('question') },
    body: 'json',
    templates: () => [{ answer: names.questionAnswer, publishedText: names.publishedQuestion }, { answer: '回答' }],
  },
  'GET /api/cases/:id/documents/question-answers.pdf': { as: 'secretariat', params: caseParam('open'), body: 'none', runs: PDF_RUNS },
  // on a case of its own, before any sheet is submitted
  'PUT /api/cases/:id/evaluation': {
    as: 'secretariat',
    params: caseParam('evaluationSetup'),
    body: 'json',
    templates: () => [{ criteria, aggregation: 'average', passRatio: 0.6, grades: { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 }, evaluatorIds: [ids.evaluator!], anonymize: true }],
  },
  'GET /api/cases/:id/evaluation': { as: 'evaluator', params: caseParam('evaluating'), body: 'none' },
  // a declaration is made once: each accepted one is another committee member's
  'POST /api/cases/:id/evaluation/coi': {
    as: () => pools.coi.current.token,
    params: caseParam('coi'),
    body: 'json',
    templates: () => [{ conflict: false, note: '利害関係なし' }],
    after: usesUp(() => pools.coi, 'conflict'),
  },
  'GET /api/cases/:id/evaluation/proposals': { as: 'evaluator', params: caseParam('evaluating'), body: 'none' },
  // the evaluating case is not anonymised: an evaluator's ref is the vendor id
  'PUT /api/cases/:id/evaluation/sheets/:ref': {
    as: 'evaluator',
    params: { id: id('evaluating'), ref: id('vendor1') },
    body: 'json',
    templates: () => [{ scores: { func: 20, ops: 'B' }, comment: '所見' }],
  },
  'GET /api/cases/:id/evaluation/sheets/:ref': { as: 'evaluator', params: { id: id('evaluating'), ref: id('vendor1') }, body: 'none' },
  // a submitted sheet is locked: each accepted submission is another proposal's sheet (saved once, so version 1)
  'POST /api/cases/:id/evaluation/sheets/:ref/submit': {
    as: () => callers.scorerA!.token,
    params: { id: id('scoring'), ref: () => pools.submit.current },
    body: 'json',
    templates: () => [{ version: 1 }, {}],
    after: usesUp(() => pools.submit, 'sheet_locked'),
  },
  'POST /api/cases/:id/evaluation/sheets/:vendorId/reopen': {
    as: 'secretariat',
    params: { id: id('scoring'), vendorId: () => pools.reopen.current },
    body: 'json',
    templates: () => [{ evaluatorId: callers.scorerB!.id, reason: '再評価' }],
    after: usesUp(() => pools.reopen, 'conflict'),
  },
  'GET /api/cases/:id/evaluation/progress': { as: 'secretariat', params: caseParam('evaluating'), body: 'none' },
  'POST /api/cases/:id/evaluation/close': { as: 'secretariat', params: { id: () => pools.close.current }, body: 'none', after: usesUp(() => pools.close, 'evaluation_closed') },
  'GET /api/cases/:id/evaluation/results': { as: 'secretariat', params: caseParam('closed'), body: 'none' },
  'GET /api/cases/:id/evaluation/results.csv': { as: 'secretariat', params: caseParam('closed'), body: 'none' },
  'GET /api/cases/:id/proposals': { as: 'secretariat', params: caseParam('evaluating'), body: 'none' },
  // bids have arrived: the terms as they are pass, a change is refused (schedule_locked)
  'PUT /api/cases/:id/bidding': {
    as: 'secretariat',
    params: caseParam('bid'),
    body: 'json',
    templates: () => [
      {
        ceilingPrice: 10_000_000,
        ceilingPublic: false,
        floorPrice: 8_000_000,
        investigationPrice: 8_500_000,
        deadlineAt: '2027-03-01T17:00:00.000+09:00',
        openingAt: '2027-03-02T10:00:00.000+09:00',
        maxRounds: 3,
        lotSystemValue: 'receipt_ms',
        taxRate: 0.1,
        reason: '公表後の変更の理由',
      },
    ],
  },
  'GET /api/cases/:id/bidding': { as: 'vendor2', params: caseParam('bid'), body: 'none' },
  'GET /api/cases/:id/schedule-changes': { as: 'vendor2', params: caseParam('bid'), body: 'none' },
  'GET /api/cases/:id/addenda': { as: 'vendor2', params: caseParam('bid'), body: 'none' },
  // one bid per vendor per round: each accepted bid, 辞退 or paper bid is another vendor's
  'POST /api/cases/:id/bids': {
    as: () => pools.bidders.current.token,
    params: caseParam('bid'),
    body: 'json',
    templates: () => [{ amount: 9_000_000, lotNumber: 5 }],
    after: usesUp(() => pools.bidders, 'already_submitted'),
  },
  'POST /api/cases/:id/bids/decline': { as: () => pools.bidders.current.token, params: caseParam('bid'), body: 'none', after: usesUp(() => pools.bidders, 'already_submitted') },
  'POST /api/cases/:id/bids/paper': {
    as: 'secretariat',
    params: caseParam('bid'),
    body: 'json',
    templates: () => [{ vendorId: late('bidder'), amount: 9_200_000, lotNumber: 7, receivedAt: '2026-04-13T10:00:00.000+09:00' }],
    after: usesUp(() => pools.bidders, 'already_submitted'),
  },
  'GET /api/cases/:id/bids': { as: 'secretariat', params: caseParam('bid'), body: 'none' },
  'GET /api/cases/:id/bids/mine': { as: 'vendor1', params: caseParam('bid'), body: 'none' },
  // past its opening time: the first accepted request opens it, the later ones answer the same result
  'POST /api/cases/:id/bids/open': { as: 'secretariat', params: caseParam('tenderDue'), body: 'none' },
  'POST /api/cases/:id/bids/rounds': {
    as: 'secretariat',
    params: { id: () => pools.rebid.current },
    body: 'json',
    templates: () => [{ deadlineAt: later, openingAt: laterStill }],
    after: usesUp(() => pools.rebid, 'conflict'),
  },
  // each rejection puts the next lowest bid under investigation
  'POST /api/cases/:id/bids/investigation': { as: 'secretariat', params: caseParam('investigation'), body: 'json', templates: () => [{ confirm: false, reason: '調査の結果、契約の内容に適合した履行がされないおそれがある' }] },
  // on a case of its own: the sections of `review` stay the ones its members comment on
  'PUT /api/cases/:id/spec': {
    as: 'secretariat',
    params: caseParam('specDraft'),
    body: 'json',
    templates: () => [{ sections: [{ heading: names.specHeading, body: names.specBody }, { heading: '業務の目的', body: '共同調達の目的' }], requirements: [{ code: 'F-1', text: names.requirement, level: 'must' }] }],
  },
  'GET /api/cases/:id/spec': { as: 'member', params: caseParam('review'), body: 'none' },
  'GET /api/cases/:id/spec/versions': { as: 'member', params: caseParam('review'), body: 'none' },
  'POST /api/cases/:id/spec/comments': { as: 'member', params: caseParam('review'), body: 'json', templates: () => [{ section: names.specHeading, text: '意見' }] },
  'PUT /api/cases/:id/spec/comments/:commentId': { as: 'secretariat', params: { id: id('review'), commentId: id('comment') }, body: 'json', templates: () => [{ response: '回答', reflected: false }] },
  'GET /api/cases/:id/spec/comments': { as: 'member', params: caseParam('review'), body: 'none' },
  // an award closes its case: each accepted one is another published case's
  'POST /api/cases/:id/award': {
    as: 'secretariat',
    params: { id: () => pools.award.current },
    body: 'json',
    templates: () => [{ vendorId: ids.vendor1!, amount: 8_000_000 }],
    after: usesUp(() => pools.award, 'invalid_transition'),
  },
  'GET /api/cases/:id/award': { as: 'vendor1', params: caseParam('closed'), body: 'none' },
  'GET /api/cases/:id/documents': { as: 'member', params: caseParam('closed'), body: 'none' },
  // the spec the hostile PUT runs above wrote
  'GET /api/cases/:id/documents/spec.pdf': { as: 'secretariat', params: caseParam('specDraft'), body: 'none', runs: PDF_RUNS },
  'GET /api/cases/:id/documents/award.pdf': { as: 'secretariat', params: caseParam('closed'), body: 'none', runs: PDF_RUNS },
  'GET /api/cases/:id/documents/bid-tabulation.pdf': { as: 'secretariat', params: caseParam('tenderOpened'), body: 'none', runs: PDF_RUNS },
  'GET /api/cases/:id/ocds': { as: 'secretariat', params: caseParam('closed'), body: 'none' },
  // an issue of unchanged data answers the version already issued
  'POST /api/cases/:id/documents/:kind/issue': { as: 'secretariat', params: { id: id('closed'), kind: () => 'award' }, body: 'none', runs: PDF_RUNS },
  'GET /api/cases/:id/documents/:kind/:file': { as: 'member', params: { id: id('closed'), kind: () => 'award', file: () => '1.pdf' }, body: 'none' },
  'GET /api/cases/:id/documents/evaluation-internal.pdf': { as: 'secretariat', params: caseParam('closed'), body: 'none', runs: PDF_RUNS },
  'GET /api/cases/:id/documents/evaluation-summary.pdf': { as: 'member', params: caseParam('closed'), body: 'none', runs: PDF_RUNS },
  'GET /api/cases/:id/documents/comment-responses.pdf': { as: 'secretariat', params: caseParam('review'), body: 'none', runs: PDF_RUNS },
  'GET /api/public/cases': { as: 'anyone', params: {}, body: 'none' },
  'GET /api/public/cases/:id': { as: 'anyone', params: caseParam('closed'), body: 'none' },
  'GET /api/public/cases/:id/ocds': { as: 'anyone', params: caseParam('closed'), body: 'none' },
  'GET /api/public/cases/:id/documents/:name': {
    as: 'anyone',
    params: { id: id('closed'), name: () => 'evaluation-summary.pdf' },
    body: 'none',
    runs: PDF_RUNS,
  },
  'GET /api/public/export/:fiscalYear/ocds.json': { as: 'anyone', params: { fiscalYear: () => '2026' }, body: 'none' },
  'GET /api/public/export/:fiscalYear/cases.csv': { as: 'anyone', params: { fiscalYear: () => '2026' }, body: 'none' },
  'GET /api/public/consortia/:id/audit-head': { as: 'anyone', params: { id: id('consortium') }, body: 'none' },
  'POST /api/cases/:id/proposal/files': { as: 'vendor1', params: caseParam('open'), body: 'multipart' },
  'PUT /api/cases/:id/proposal': { as: 'vendor1', params: caseParam('open'), body: 'json', templates: () => [{ price: 9_000_000 }] },
  'GET /api/cases/:id/proposal': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  'GET /api/cases/:id/follow': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  'PUT /api/cases/:id/follow': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  'DELETE /api/cases/:id/follow': { as: 'vendor1', params: caseParam('open'), body: 'none' },
  // a withdrawal is final: each accepted one is another vendor's
  'POST /api/cases/:id/proposal/withdraw': {
    as: () => pools.withdrawers.current.token,
    params: caseParam('open'),
    body: 'json',
    templates: () => [{ reason: '辞退します' }],
    after: usesUp(() => pools.withdrawers, 'conflict'),
  },
  'GET /api/files/:id': { as: 'vendor1', params: { id: id('rfiFile') }, body: 'none' },
  'GET /api/files/:id/receipt': { as: 'vendor1', params: { id: id('proposalFile') }, body: 'none' },
  'GET /api/files/:id/receipt.pdf': { as: 'secretariat', params: { id: id('rfiFile') }, body: 'none', runs: PDF_RUNS },
  'GET /api/receipts': { as: 'vendor1', params: {}, body: 'none' },
  // notifications and calendars: the member's own; the feed read is the evaluator's, whose address no run replaces
  'GET /api/notifications': { as: 'member', params: {}, body: 'none' },
  'POST /api/notifications/read-all': { as: 'member', params: {}, body: 'none' },
  'POST /api/notifications/:id/read': { as: 'member', params: { id: id('notification') }, body: 'none' },
  'GET /api/notifications/preferences': { as: 'member', params: {}, body: 'none' },
  'PUT /api/notifications/preferences': {
    as: 'member',
    params: {},
    body: 'json',
    templates: () => [{ email: { case_published: false, addendum: true } }, { email: { survey_opened: true, survey_closing: false, deadline_reminder: true } }, { email: {} }],
  },
  'POST /api/calendar/token': { as: 'member', params: {}, body: 'none' },
  'DELETE /api/calendar/token': { as: 'member', params: {}, body: 'none' },
  'GET /api/calendar/:file': { as: 'anyone', params: { file: id('calendarFile') }, body: 'none' },
  'GET /api/audit': { as: 'secretariat', params: {}, body: 'none' },
  'GET /api/audit/verify': { as: 'secretariat', params: {}, body: 'none' },
  'GET /api/openapi.json': { as: 'anyone', params: {}, body: 'none' },
  'GET /api/docs': { as: 'anyone', params: {}, body: 'none' },
};

/** `GET /api/x/:id{regex}` → `GET /api/x/:id`, the key of the plan. */
const planKey = (method: string, path: string) => `${method} ${path.replace(/\{[^}]*\}/g, '')}`;

function apiRoutesOf(app: ReturnType<typeof createApp>): { method: string; path: string; key: string }[] {
  const seen = new Map<string, { method: string; path: string; key: string }>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/')) continue;
    const key = planKey(r.method, r.path);
    if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, key });
  }
  return [...seen.values()];
}

// the route table as the app builds it (building it touches no dependency)
const routeTable = apiRoutesOf(createApp({} as Deps));

// ids from the other consortium: they must read as not found, never as a crash
const foreignIds = () => [ids.foreignCase!, ids.foreignMember!, ids.otherConsortium!];

function pathFor(route: { path: string }, plan: Plan, segments: Record<string, string | null>): string {
  return route.path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => segments[name] ?? encodeURIComponent(plan.params[name]!()));
}

const csvBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('name,kind,code,population,births_2024', '団体名,区分,団体コード,人口,出生数_2024', 'name,kind', 'name,name,kind', '=cmd,kind', 'name,kind,births_1800'),
        fc.array(fc.tuple(hostileString, fc.constantFrom('city', '市', 'town', 'metropolis', ''), fc.constantFrom('', '011002', '011003', '=1+1'), fc.constantFrom('', '1000', '-1', '1e308', '１，０００', '9'.repeat(12))), { maxLength: 4 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.constantFrom<'utf8' | 'cp932' | 'utf16le'>('utf8', 'utf8', 'cp932', 'utf16le'),
      )
      .map(([header, rows, eol, encoding]) => {
        const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const text = [header, ...rows.map((r) => r.map(quote).join(','))].join(eol) + eol;
        return { bytes: new Uint8Array(iconv.encode(text, encoding)), note: `${encoding} CSV` };
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes, note: 'random bytes' })) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 20 }).map((junk) => ({
      bytes: new Uint8Array([...utf8('name,kind\n東京'), ...junk.map((b) => 0x80 | b), ...utf8(',city\n'), 0x00, ...utf8(',town\n')]),
      note: 'non-UTF-8 bytes and NUL in a row',
    })),
  },
);
/** The qualified list (商号・法人番号): well-formed numbers, wrong ones and hostile names. */
const vendorCsvBody = fc
  .tuple(
    fc.constantFrom('商号,法人番号', 'name,corporate_number', '法人番号,商号又は名称,所在地', '商号', 'name,name,corporate_number'),
    fc.array(fc.tuple(hostileString, fc.constantFrom('7000012050002', '8900000000001', '7000012050003', '', '=1+1', '7.00001E+12', '７０００１２０５０００２'), fc.constantFrom('', '熊本市')), { maxLength: 4 }),
    fc.constantFrom('\r\n', '\n'),
    fc.constantFrom<'utf8' | 'cp932' | 'utf16le'>('utf8', 'utf8', 'cp932', 'utf16le'),
  )
  .map(([header, rows, eol, encoding]) => {
    const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const numberFirst = header.startsWith('法人番号');
    const text = [header, ...rows.map(([name, number, place]) => (numberFirst ? [number, name, place] : [name, number]).map(quote).join(','))].join(eol) + eol;
    return { bytes: new Uint8Array(iconv.encode(text, encoding)), note: `${encoding} vendor CSV` };
  });
const csvTypes = fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'text/csv; charset=shift_jis', 'text/csv; charset=utf-16', 'text/csv; charset=x-bogus', 'application/vnd.ms-excel', 'application/json', 'text/plain; charset="');

const fileName = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '../../etc/passwd',
      '../../etc/passwd.pdf',
      '..\\..\\x.pdf',
      '/etc/passwd.pdf',
      'C:\\Windows\\win.ini.pdf',
      '....//....//x.pdf',
      '%2e%2e%2fx.pdf',
      'a\u0000b.pdf',
      '\u0000.pdf',
      `${'長'.repeat(5000)}.pdf`,
      `${'x'.repeat(300)}.pdf`,
      '.pdf',
      '...pdf',
      ' .pdf',
      '.htaccess.pdf',
      'CON.pdf',
      '\u202Efdp.exe.pdf',
      'x.pdf\r\nContent-Type: text/html',
      `${SCRIPT}.pdf`,
      `${IMG}.pdf`,
      `${FORMULAS[0]}.pdf`,
      'e\u0301.pdf',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => `${s}.pdf`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => `${s}.pdf`) },
);

const multipartWire = fc
  .record({
    filename: fileName,
    rawFilename: fc.option(fc.uint8Array({ minLength: 1, maxLength: 20 }).map((b) => new Uint8Array([...b.map((x) => 0x80 | x), ...utf8('.pdf')])), { freq: 5 }),
    field: fc.constantFrom('file', 'file', 'file', 'File', 'upload', ''),
    content: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 9, max: 4000 }).map((n) => pdfBytes(n)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constant(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2])) },
      { weight: 1, arbitrary: fc.constant(utf8(`<html>${SCRIPT}</html>`)) },
    ),
    partType: fc.constantFrom('application/pdf', 'application/octet-stream', 'text/html', 'image/svg+xml'),
    extra: fc.array(fc.tuple(fc.constantFrom('name', 'file', 'caseId', 'vendorId', SCRIPT), hostileString), { maxLength: 3 }),
    truncate: fc.boolean(),
    secondFile: fc.boolean(),
  })
  .map((m) => {
    const parts: Part[] = m.extra.map(([name, value]) => ({ name: name.replace(/"/g, ''), content: utf8(value), type: 'text/plain' }));
    parts.push({ name: m.field, filename: m.rawFilename ? undefined : m.filename.replace(/"/g, '%22'), filenameBytes: m.rawFilename ?? undefined, content: m.content, type: m.partType });
    if (m.secondFile) parts.push({ name: 'file', filename: 'second.pdf', content: pdfBytes(50) });
    return { ...multipart(parts, { truncate: m.truncate }), note: `file ${JSON.stringify(m.filename.slice(0, 60))}${m.rawFilename ? ' (raw bytes)' : ''} field ${JSON.stringify(m.field)}${m.truncate ? ' truncated' : ''}` };
  });

// ---------------------------------------------------------------------------------------------------
// generated requests: a valid request for the route with one part of it made hostile

type Route = { method: string; path: string; key: string };

/**
 * How a generated request differs from the route's valid request (its caller, path, body and content
 * type, taken from the plan as the run starts): in one part only, so most requests pass the first
 * refusal and reach the handler behind it.
 */
interface Recipe {
  /** the part made hostile: 'body value', 'body key', 'server-owned fields', 'header', 'query', 'path segment', 'content type', 'encoding', 'file name' …, or 'exotic' */
  part: string;
  note: string;
  body?: Uint8Array | undefined;
  /** the Content-Type header (none when undefined) */
  contentType?: string | undefined;
  headers?: Record<string, string>;
  query?: string;
  segment?: { name: string; value: string };
  chunked?: boolean;
}

const recipe = (r: Recipe): Recipe => Object.assign(r, { [fc.toStringMethod]: () => `${r.part}: ${r.note}` });

const paramNamesOf = (route: { path: string }) => [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

const segmentValue = (name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: hostilePathSegment },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, 2).map((i) => encodeURIComponent(foreignIds()[i]!)) },
    ...(name === 'name' ? [{ weight: 2, arbitrary: fc.constantFrom('spec.pdf', 'evaluation-summary.pdf', 'bid-tabulation.pdf', 'x.pdf', 'SPEC.PDF', '..%2Fspec.pdf') }] : []),
    ...(name === 'fiscalYear' ? [{ weight: 2, arbitrary: fc.constantFrom('1999', '2101', '2026.5', '%202026', '1e3', '99999999999999999999', '0x7EA') }] : []),
  );

interface Valid {
  body?: Uint8Array;
  contentType?: string;
}

/** The parts of any request outside its body: one header added, a query string, one path segment replaced (mostly refused, so rarer). */
function outsideParts(route: Route, valid: fc.Arbitrary<Valid>, weight = 2): fc.WeightedArbitrary<Recipe>[] {
  const params = paramNamesOf(route);
  const parts: fc.WeightedArbitrary<Recipe>[] = [
    { weight, arbitrary: fc.tuple(valid, oneHeader).map(([v, headers]) => recipe({ ...v, headers, part: 'header', note: JSON.stringify(headers).slice(0, 80) })) },
    { weight, arbitrary: fc.tuple(valid, queryString).map(([v, query]) => recipe({ ...v, query, part: 'query', note: query.slice(0, 80) })) },
  ];
  if (params.length > 0) {
    const segment = fc.constantFrom(...params).chain((name) => segmentValue(name).map((value) => ({ name, value })));
    parts.push({ weight: Math.max(1, weight / 2), arbitrary: fc.tuple(valid, segment).map(([v, seg]) => recipe({ ...v, segment: seg, part: 'path segment', note: `:${seg.name} = ${seg.value.slice(0, 60)}` })) });
  }
  return parts;
}

const valueAt = (root: Json, path: (string | number)[]): Json => path.reduce<any>((node, step) => node[step], root);

/** Fields a person types freely: hostile text there is valid, and must be stored and shown inert. */
const FREE_TEXT = new Set(['title', 'description', 'name', 'companyName', 'text', 'heading', 'body', 'comment', 'note', 'reason', 'response', 'summary', 'section']);
const isFreeText = (template: Json, path: (string | number)[]) => typeof valueAt(template, path) === 'string' && (FREE_TEXT.has(String(path.at(-1))) || path.includes('answers'));

/** A raw JSON token for one node: for a text, hostile text (valid where text is free); for a number or flag, its neighbours or another type. */
function nodeToken(original: Json): fc.Arbitrary<string> {
  if (typeof original === 'string') {
    return fc.oneof(
      { weight: 3, arbitrary: hostileText.map((t) => JSON.stringify(t)) },
      { weight: 3, arbitrary: hostileText.map((t) => JSON.stringify(original + t)) },
      // the same text in other case or padded with spaces: an address or a name that must still be recognised
      { weight: 1, arbitrary: fc.constantFrom(original.toUpperCase(), `  ${original} `, `\u3000${original}`, `${original}\t`).map((t) => JSON.stringify(t)) },
      { weight: 1, arbitrary: hostileToken },
    );
  }
  if (typeof original === 'number') {
    return fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(0, 1, original + 1, Math.floor(original / 2), Number.MAX_SAFE_INTEGER).map(String) },
      { weight: 2, arbitrary: fc.constantFrom(...MONEY_TOKENS) },
      { weight: 1, arbitrary: hostileToken },
    );
  }
  if (typeof original === 'boolean') return fc.oneof({ weight: 2, arbitrary: fc.constant(String(!original)) }, { weight: 1, arbitrary: hostileToken });
  return fc.oneof(fc.constant(Array.isArray(original) ? '[]' : '{}'), hostileToken);
}

const JSON_TYPES_VALID = ['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json', 'application/json;charset=UTF-8', 'application/vnd.api+json'];
const JSON_TYPES_REFUSED = ['application/jsonx', 'text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', ';;;'];

function jsonRecipes(route: Route, templates: Json[]): fc.Arbitrary<Recipe> {
  const json = 'application/json';
  const template = fc.constantFrom(...templates);
  const valid = template.map((t): Valid => ({ body: utf8(JSON.stringify(t)), contentType: json }));
  const atNode = (t: Json, path: (string | number)[]) =>
    nodeToken(valueAt(t, path)).map((token) => recipe({ body: utf8(withToken(t, path, token)), contentType: json, part: 'body value', note: `${path.join('.')} = ${token.slice(0, 80)}` }));
  const hostileKey = (t: Json) =>
    fc
      .tuple(fc.constantFrom(...objectPaths(t)), fc.constantFrom(...HOSTILE_KEYS), fc.constantFrom<Json>(1, true, 'x'))
      .map(([path, key, value]) => recipe({ body: utf8(withKey(t, path, key, value)), contentType: json, part: 'body key', note: `${JSON.stringify(key.slice(0, 30))} at ${path.join('.') || '(top)'}` }));
  // one node of one template: half of the time a free-text field when the template has one
  const value = template.chain((t) => {
    const paths = nodePaths(t);
    if (paths.length === 0) return hostileKey(t);
    const free = paths.filter((p) => isFreeText(t, p));
    const anyNode = fc.constantFrom(...paths).chain((p) => atNode(t, p));
    return free.length === 0 ? anyNode : fc.oneof(anyNode, fc.constantFrom(...free).chain((p) => atNode(t, p)));
  });
  const serverOwned = template.map((t) =>
    recipe({ body: utf8(JSON.stringify({ ...(t as Record<string, Json>), ...Object.fromEntries(SERVER_OWNED.map((k) => [k, INJECTED_MARKER])) })), contentType: json, part: 'server-owned fields', note: SERVER_OWNED.join(',') }),
  );
  const contentType = fc
    .tuple(valid, fc.oneof(fc.constantFrom(...JSON_TYPES_VALID), fc.constantFrom<string | undefined>(...JSON_TYPES_REFUSED, undefined)))
    .map(([v, type]) => recipe({ ...v, contentType: type, part: 'content type', note: JSON.stringify(type) }));
  const encoding = fc.oneof(
    { weight: 2, arbitrary: valid.map((v) => recipe({ ...v, chunked: true, part: 'encoding', note: 'chunked' })) },
    { weight: 1, arbitrary: valid.map((v) => recipe({ ...v, body: new Uint8Array([0xef, 0xbb, 0xbf, ...v.body!]), part: 'encoding', note: 'UTF-8 BOM' })) },
    { weight: 1, arbitrary: valid.map((v) => recipe({ ...v, body: new Uint8Array(iconv.encode(new TextDecoder().decode(v.body), 'utf16le')), part: 'encoding', note: 'UTF-16' })) },
  );
  // the exotic ones: any node replaced by any token, non-UTF-8, Shift_JIS, random and broken JSON, under any content type
  const exotic = fc.tuple(jsonBodyFor(templates as object[]), contentTypes).map(([b, type]) => recipe({ body: b.bytes ?? utf8(b.text!), contentType: type, part: 'exotic', note: b.note }));
  // a template with free text takes hostile text there; one of codes, numbers and choices only is mostly refused when a node changes
  const hasFreeText = templates.some((t) => nodePaths(t).some((p) => isFreeText(t, p)));
  return fc.oneof(
    { weight: hasFreeText ? 10 : 5, arbitrary: value },
    { weight: 3, arbitrary: template.chain(hostileKey) },
    { weight: 2, arbitrary: serverOwned },
    { weight: 2, arbitrary: contentType },
    { weight: 2, arbitrary: encoding },
    { weight: 3, arbitrary: exotic },
    ...outsideParts(route, valid),
  );
}

/** A route that reads no body (every GET, and POSTs such as logout, 辞退 or the opening). */
function bodylessRecipes(route: Route): fc.Arbitrary<Recipe> {
  const valid = fc.constant<Valid>({});
  if (route.method === 'GET') return fc.oneof(...outsideParts(route, valid));
  return fc.oneof(
    ...outsideParts(route, valid),
    { weight: 1, arbitrary: fc.constant(recipe({ body: utf8('{}'), contentType: 'application/json', part: 'body', note: '{} where none is read' })) },
    { weight: 1, arbitrary: fc.constant(recipe({ body: utf8('{}'), contentType: 'application/json', chunked: true, part: 'encoding', note: 'chunked {}' })) },
    { weight: 2, arbitrary: fc.tuple(jsonBodyFor([{}]), contentTypes).map(([b, type]) => recipe({ body: b.bytes ?? utf8(b.text!), contentType: type, part: 'exotic', note: b.note })) },
  );
}

/** An upload: a PDF under the field `file`, with one hostile aspect (its name, its part's type, an extra field, a cut …). */
function multipartRecipes(route: Route): fc.Arbitrary<Recipe> {
  const pdf = fc.integer({ min: 9, max: 4000 }).map((n) => pdfBytes(n));
  const file = (content: Uint8Array, over: Partial<Part> = {}): Part => ({ name: 'file', filename: '提案書.pdf', content, type: 'application/pdf', ...over });
  const built = (parts: Part[], part: string, note: string, options: { truncate?: boolean } = {}) => recipe({ ...multipart(parts, options), part, note });
  const valid = pdf.map((content): Valid => multipart([file(content)]));
  const rawName = fc.uint8Array({ minLength: 1, maxLength: 20 }).map((b) => new Uint8Array([...b.map((x) => 0x80 | x), ...utf8('.pdf')]));
  const otherContent = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.constant(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2])),
    fc.constant(utf8(`<html>${SCRIPT}</html>`)),
    fc.constant(new Uint8Array()),
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(pdf, fileName).map(([content, name]) => built([file(content, { filename: name.replace(/"/g, '%22') })], 'file name', JSON.stringify(name.slice(0, 60)))) },
    { weight: 1, arbitrary: fc.tuple(pdf, fileName).map(([content, name]) => built([file(content, { filename: 'fallback.pdf', filenameStar: name })], 'file name', `filename*=${JSON.stringify(name.slice(0, 60))}`)) },
    { weight: 1, arbitrary: fc.tuple(pdf, rawName).map(([content, bytes]) => built([file(content, { filename: undefined, filenameBytes: bytes })], 'file name', 'raw non-UTF-8 bytes')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pdf, fc.constantFrom('application/octet-stream', 'text/html', 'image/svg+xml', 'application/x-msdownload', 'application/pdf; name="x.exe"', 'multipart/mixed'))
        .map(([content, type]) => built([file(content, { type })], 'part type', type)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pdf, fc.constantFrom('name', 'caseId', 'vendorId', 'comment', 'storageKey', SCRIPT.replace(/"/g, '')), hostileString, fc.boolean())
        .map(([content, name, value, first]) => {
          const extra: Part = { name, content: utf8(value), type: 'text/plain' };
          return built(first ? [extra, file(content)] : [file(content), extra], 'extra field', `${name} = ${JSON.stringify(value.slice(0, 40))}`);
        }),
    },
    { weight: 1, arbitrary: fc.tuple(pdf, fc.constantFrom('File', 'upload', '', 'files[]', 'file ')).map(([content, name]) => built([file(content, { name })], 'field name', JSON.stringify(name))) },
    { weight: 2, arbitrary: otherContent.map((content) => built([file(content)], 'file content', `${content.length} bytes, not a PDF`)) },
    { weight: 1, arbitrary: pdf.map((content) => built([file(content)], 'cut', 'no closing boundary', { truncate: true })) },
    { weight: 1, arbitrary: pdf.map((content) => built([file(content), file(pdfBytes(50), { filename: 'second.pdf' })], 'second file', 'two parts named file')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            (t: string) => t.replace('multipart/form-data', 'Multipart/Form-Data'),
            (t: string) => `${t}; charset=utf-8`,
            () => 'multipart/form-data',
            () => 'multipart/form-data; boundary=other',
            () => 'application/json',
            () => 'multipart/mixed; boundary=x',
          ),
        )
        .map(([v, change]) => recipe({ ...v, contentType: change(v.contentType!), part: 'content type', note: change(v.contentType!).slice(0, 60) })),
    },
    { weight: 1, arbitrary: valid.map((v) => recipe({ ...v, chunked: true, part: 'encoding', note: 'chunked' })) },
    ...outsideParts(route, valid, 1),
    { weight: 1, arbitrary: multipartWire.map((m) => recipe({ body: m.body, contentType: m.contentType, part: 'exotic', note: m.note })) },
  );
}

/** A CSV file a route imports: its header, valid rows, and what hostile text each column may carry. */
interface CsvSpec {
  headers: string[][];
  rows: fc.Arbitrary<string[][]>;
  /** a hostile value for the cell in column `column` */
  hostileCell: (column: number) => fc.Arbitrary<string>;
  exotic: () => fc.Arbitrary<{ bytes: Uint8Array; note: string }>;
}

const quoteCsv = (cell: string) => (/[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csvText = (rows: string[][], eol = '\r\n') => rows.map((r) => r.map(quoteCsv).join(',')).join(eol) + eol;

function csvRecipes(route: Route, spec: CsvSpec): fc.Arbitrary<Recipe> {
  const table = fc.tuple(fc.constantFrom(...spec.headers), spec.rows).map(([header, rows]) => [header, ...rows]);
  const valid = table.map((rows): Valid => ({ body: utf8(csvText(rows)), contentType: 'text/csv' }));
  // mostly the name column (the first): a name is free text
  const column = (width: number) => fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: width - 1 }) });
  const cell = table.chain((rows) =>
    fc.tuple(fc.integer({ min: 1, max: rows.length - 1 }), column(rows[0]!.length)).chain(([row, c]) => {
      return spec.hostileCell(c).map((value) => {
        const changed = rows.map((r, i) => (i === row ? r.map((x, j) => (j === c ? value : x)) : r));
        return recipe({ body: utf8(csvText(changed)), contentType: 'text/csv', part: 'cell', note: `row ${row} column ${rows[0]![c]} = ${JSON.stringify(value.slice(0, 60))}` });
      });
    }),
  );
  const encoding = fc.tuple(table, fc.constantFrom('BOM', 'cp932', 'utf16le', 'LF', 'CR')).map(([rows, how]) => {
    const text = csvText(rows, how === 'LF' ? '\n' : how === 'CR' ? '\r' : '\r\n');
    const body = how === 'BOM' ? new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]) : how === 'cp932' || how === 'utf16le' ? new Uint8Array(iconv.encode(text, how)) : utf8(text);
    return recipe({ body, contentType: how === 'cp932' ? 'text/csv; charset=shift_jis' : 'text/csv', part: 'encoding', note: how });
  });
  const contentType = fc
    .tuple(valid, fc.constantFrom('text/csv; charset=utf-8', 'application/vnd.ms-excel', 'application/csv', 'text/plain', 'text/csv; charset=x-bogus', 'text/csv; charset=shift_jis', 'application/json', 'text/html', '', 'text/plain; charset="'))
    .map(([v, type]) => recipe({ ...v, contentType: type, part: 'content type', note: JSON.stringify(type) }));
  const exotic = fc.tuple(spec.exotic(), csvTypes).map(([b, type]) => recipe({ body: b.bytes, contentType: type, part: 'exotic', note: b.note }));
  return fc.oneof(
    { weight: 8, arbitrary: cell },
    { weight: 2, arbitrary: encoding },
    { weight: 2, arbitrary: contentType },
    { weight: 2, arbitrary: exotic },
    ...outsideParts(route, valid),
  );
}

/**
 * A JSON route's first template as a client sends it, run first: a route whose fields are codes, numbers and
 * choices is mostly refused when one of them changes, and its template alone shows that it can be reached.
 */
function templateAsSent(plan: Plan): [Recipe][] {
  if (plan.body !== 'json') return [];
  const body = utf8(JSON.stringify(plan.templates!()[0]));
  return [[recipe({ body, contentType: 'application/json', part: 'template', note: 'as a client sends it' })]];
}

function recipesFor(route: Route, plan: Plan): fc.Arbitrary<Recipe> {
  switch (plan.body) {
    case 'json':
      return jsonRecipes(route, plan.templates!() as Json[]);
    case 'multipart':
      return multipartRecipes(route);
    case 'csv':
      return csvRecipes(route, plan.csv!);
    case 'none':
      return bodylessRecipes(route);
  }
}

/** The request a recipe describes, for the route's valid caller and objects of the moment. */
function wireOf(route: Route, plan: Plan, r: Recipe): Wire {
  const headers: Record<string, string> = { ...r.headers };
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  return printable({
    method: route.method,
    path: pathFor(route, plan, r.segment ? { [r.segment.name]: r.segment.value } : {}) + (r.query ?? ''),
    token: tokenFor(plan),
    headers,
    body: r.body === undefined ? undefined : fillLate(r.body),
    chunked: r.chunked ?? false,
    note: `${r.part}: ${r.note}`,
    segmentMutated: r.segment !== undefined,
  });
}

function tokenFor(plan: Plan): string | undefined {
  if (plan.as === 'anyone') return undefined;
  if (plan.as === 'fresh-session') {
    const token = logoutTokens.pop();
    if (!token) throw new Error('no session left for logout runs');
    return token;
  }
  if (typeof plan.as === 'function') return plan.as();
  const token = tokens[plan.as];
  if (!token) throw new Error(`no caller ${plan.as}`);
  return token;
}

/** Sends one request and checks the invariants; answers the reply. */
async function exercise(w: Wire): Promise<Reply> {
  const before = last ?? (await snapshot());
  // taken afresh next time unless every check below passes
  last = undefined;
  const res = await send(w);
  expectWellFormed(w, res);
  const after = await snapshot();
  if (res.status >= 400) {
    expect(after, `a refused request changed something: ${preview(w)}\n→ ${res.status} ${res.text.slice(0, 300)}`).toEqual(before);
  } else {
    expect(res.text, `a server-owned field was taken from the client: ${preview(w)}`).not.toContain(INJECTED_MARKER);
    await expectStorageTidy(after['files on disk']);
  }
  last = after;
  return res;
}

// ---------------------------------------------------------------------------------------------------

beforeAll(async () => {
  assertPdfToolsInstalled();
  await buildWorld();
}, 120_000);
beforeEach(() => {
  last = undefined;
});
afterAll(async () => {
  scratch.remove();
  await h.close();
  await rm(sandbox, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------
// explicit hostile bodies on every JSON route

it('takes snapshots that see any committed write, even one that stores the same values', async () => {
  const before = await snapshot();
  await h.database.db.execute(sql`update cases set title = title where id = ${ids.review}`);
  const after = await snapshot();
  expect(after.cases).not.toBe(before.cases);
  expect({ ...after, cases: before.cases }).toEqual(before);
});

const jsonRoutes = () => routeTable.filter((r) => plans[r.key]!.body === 'json');
/** POST routes that read no body: a body sent anyway meets the same limits. */
const bodylessPosts = () => routeTable.filter((r) => plans[r.key]!.body === 'none' && r.method !== 'GET');

function plainWire(route: { method: string; path: string; key: string }, body: Uint8Array, extra: Partial<Wire> = {}): Wire {
  const plan = plans[route.key]!;
  return printable({ method: route.method, path: pathFor(route, plan, {}), token: tokenFor(plan), headers: { 'content-type': 'application/json' }, body, ...extra });
}

async function expectRefused(w: Wire, status: number, code: string) {
  const res = await exercise(w);
  expect(res.status, `${preview(w)} → ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.body.error.code).toBe(code);
  return res;
}

describe('explicit hostile bodies', () => {
  it(`refuses JSON over JSON_BODY_LIMIT (${JSON_BODY_LIMIT} bytes) with 413 on every route that takes a body, declared or chunked`, async () => {
    const routes = [...jsonRoutes(), ...bodylessPosts()];
    expect(routes.length).toBeGreaterThan(30);
    const oversized = utf8(JSON.stringify({ title: 'x'.repeat(JSON_BODY_LIMIT) }));
    expect(oversized.length).toBeGreaterThan(JSON_BODY_LIMIT);
    for (const route of routes) {
      await expectRefused(plainWire(route, oversized), 413, 'too_large');
      await expectRefused(plainWire(route, oversized, { chunked: true }), 413, 'too_large');
    }
  }, 60_000);

  it('refuses 10 000 and 100 000 levels of nesting with 400, as the body and in a field; answers them under an unknown key without a crash', async () => {
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    for (const [i, route] of jsonRoutes().entries()) {
      const template = plans[route.key]!.templates!()[0] as Json;
      const firstField = nodePaths(template)[0]!;
      // 100 000 levels (what a parser that recurses cannot take) on a few routes, 10 000 on every one
      const bodies = [deepArray(10_000), withToken(template, firstField, deepArray(10_000)), withToken(template, firstField, deepObject(10_000))];
      if (i < 3) bodies.push(deepArray(100_000), withToken(template, firstField, deepObject(100_000)));
      for (const body of bodies) {
        await expectRefused(plainWire(route, utf8(body)), 400, 'validation_error');
      }
      // an unknown key is refused by name whatever it holds (a route may refuse the caller first)
      const res = await exercise(plainWire(route, utf8(deepObject(10_000))));
      expect([200, 201, 400, 409], `${route.key} → ${res.text.slice(0, 200)}`).toContain(res.status);
    }
  }, 60_000);

  it('refuses non-UTF-8 bytes, Shift_JIS, NUL and lone surrogates in JSON with 400 validation_error on every route', async () => {
    for (const route of jsonRoutes()) {
      const template = plans[route.key]!.templates!()[0] as Json;
      const text = JSON.stringify(template);
      const stringLeaf = nodePaths(template).find((p) => typeof p.reduce<any>((n, k) => n[k], template) === 'string');
      const cut = text.indexOf('":"') + 3;
      const bodies: Uint8Array[] = [
        new Uint8Array([...utf8(text.slice(0, cut)), 0xff, 0xfe, 0x82, ...utf8(text.slice(cut))]),
        new Uint8Array([...utf8(text.slice(0, cut)), 0xed, 0xa0, 0x80, ...utf8(text.slice(cut))]),
        new Uint8Array(iconv.encode(text.slice(0, cut) + '岐阜市' + text.slice(cut), 'cp932')),
      ];
      if (stringLeaf) for (const token of ['"a\\u0000b"', '"\\ud800"', '"x\\udc00"']) bodies.push(utf8(withToken(template, stringLeaf, token)));
      for (const body of bodies) {
        const res = await expectRefused(plainWire(route, body), 400, 'validation_error');
        expect(res.text).not.toContain('\ufffd');
      }
    }
  }, 60_000);

  const moneyFields: { key: string; field: string; nullable?: boolean; template?: () => Json }[] = [
    { key: 'POST /api/cases', field: 'options.0.price', nullable: true },
    { key: 'PATCH /api/cases/:id', field: 'options.0.price', nullable: true },
    { key: 'PUT /api/cases/:id/proposal', field: 'price' },
    { key: 'POST /api/cases/:id/bids', field: 'amount' },
    { key: 'POST /api/cases/:id/bids/paper', field: 'amount' },
    { key: 'PUT /api/cases/:id/bidding', field: 'ceilingPrice' },
    { key: 'PUT /api/cases/:id/bidding', field: 'floorPrice', nullable: true },
    { key: 'PUT /api/cases/:id/bidding', field: 'investigationPrice', nullable: true },
    { key: 'POST /api/cases/:id/award', field: 'amount' },
    { key: 'PUT /api/cases/:id/apportionment', field: 'total' },
    { key: 'PUT /api/cases/:id/apportionment', field: 'tierPrices.city', template: () => ({ method: 'tier', tierPrices: { city: 100_000, town: 50_000 } }) },
    { key: 'PUT /api/cases/:id/rfi/response', field: 'answers.price' },
  ];

  it('refuses huge, negative, fractional and textual money on every price, amount, ceilingPrice and total field', async () => {
    for (const { key, field, nullable, template } of moneyFields) {
      const route = routeTable.find((r) => r.key === key)!;
      const base = (template?.() ?? plans[key]!.templates!()[0]) as Json;
      const path = field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      for (const token of MONEY_TOKENS.filter((t) => !(nullable && t === 'null'))) {
        const w = plainWire(route, utf8(withToken(base, path, token)), { note: `${field} = ${token}` });
        const res = await expectRefused(w, 400, 'validation_error');
        // a body that still parses as JSON is refused for that very field
        if (res.body.error.details) {
          const paths = res.body.error.details.map((d: { path: string }) => d.path) as string[];
          // RFI answers are checked against their question after parsing, and reported under answers
          expect(paths.some((p) => p === field || (field.startsWith('answers.') && p === 'answers')), `${preview(w)} → ${paths}`).toBe(true);
        }
      }
    }
  }, 60_000);

  it('refuses negative, fractional, huge and textual option quantities', async () => {
    const route = routeTable.find((r) => r.key === 'PUT /api/cases/:id/participants/:memberId')!;
    const base = { participating: true, options: { users: 2, consult: true } };
    for (const option of ['users', 'consult']) {
      for (const token of ['-1', '-0.5', '1.5', '-1e308', '1e308', '1e400', '-1e400', String(2 ** 64), '1000001', '"3"', '"-1"', 'NaN', 'null', '{}']) {
        const w = plainWire(route, utf8(withToken(base, ['options', option], token)), { note: `options.${option} = ${token}` });
        const res = await expectRefused(w, 400, 'validation_error');
        if (res.body.error.details) expect(res.body.error.details.map((d: { path: string }) => d.path), preview(w)).toContain(`options.${option}`);
      }
    }
    const apportionment = await call('GET', `/api/cases/${ids.review}/apportionment`, tokens.secretariat);
    for (const share of apportionment.body.shares) expect(share.optionCharges).toBeGreaterThanOrEqual(0);
  });
});

describe('codes that name what every object already has', () => {
  // such a code, used as a key of answers, option choices, scores or intents, would read as answered
  // (answers.constructor is a function) or vanish (__proto__): it is refused where the code is defined
  const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it('are refused for options, RFI questions, survey candidates and evaluation criteria', async () => {
    const fresh = await ok(call('POST', '/api/cases', tokens.secretariat, { title: 'コードの確認', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 }), 201);
    const definitions = (code: string): [string, string, Json, string][] => [
      ['POST', '/api/cases', { title: 'x', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, options: [{ code, name: '追加', price: 100 }] }, 'options.0.code'],
      ['PATCH', `/api/cases/${fresh.case.id}`, { options: [{ code, name: '追加', price: 100 }] }, 'options.0.code'],
      ['PUT', `/api/cases/${fresh.case.id}/rfi`, { deadline: later, questions: [{ code, text: '質問', kind: 'text' }] }, 'questions.0.code'],
      ['POST', '/api/surveys', { title: 'x', candidates: [{ code, name: '候補' }] }, 'candidates.0.code'],
      ['PUT', `/api/cases/${fresh.case.id}/evaluation`, { criteria: [{ code, name: '項目', maxPoints: 10, mode: 'points' }], aggregation: 'average', evaluatorIds: [ids.evaluator!] }, 'criteria.0.code'],
    ];
    for (const code of PROTOTYPE_NAMES) {
      for (const [method, path, body, field] of definitions(code)) {
        const w = printable({ method, path, token: tokens.secretariat, headers: { 'content-type': 'application/json' }, body: utf8(JSON.stringify(body)), note: `code ${code}` });
        const res = await expectRefused(w, 400, 'validation_error');
        expect(res.body.error.details.map((d: { path: string }) => d.path), preview(w)).toContain(field);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// the member CSV import

describe('the member CSV import', () => {
  const importCsv = (bytes: Uint8Array, contentType = 'text/csv', note = '') =>
    exercise(printable({ method: 'POST', path: '/api/members/import', token: tokens.secretariat, headers: { 'content-type': contentType }, body: bytes, note }));

  it('reads Shift_JIS, and refuses NUL, UTF-16 and undecodable rows with their line numbers, importing nothing', async () => {
    const sjis = await importCsv(new Uint8Array(iconv.encode('団体名,区分,人口\r\n五木村,村,950\r\n', 'cp932')), 'text/csv', 'Shift_JIS');
    expect(sjis.status).toBe(200);
    expect(sjis.body).toMatchObject({ created: 1, errors: [] });
    const nul = await importCsv(utf8('name,kind\n良い町,town\n悪い\u0000町,town\n'), 'text/csv', 'NUL in a name');
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({ created: 0, errors: [{ line: 3 }] });
    const utf16 = await importCsv(new Uint8Array(iconv.encode('\ufeffname,kind\n良い町,town\n', 'utf16le')), 'text/csv', 'UTF-16');
    expect(utf16.status).toBe(400);
    const junk = await importCsv(new Uint8Array([0x80, 0x81, 0xff, 0x00, 0x0a, 0xfe, 0x22, 0x2c, 0x0d]), 'text/csv', 'junk');
    expect(junk.status).toBe(400);
  });

  it('never fails with a 5xx nor imports part of a refused file, whatever the bytes and charset', async () => {
    await fc.assert(
      fc.asyncProperty(csvBody, csvTypes, async ({ bytes, note }, contentType) => {
        const res = await importCsv(bytes, contentType, note);
        if (res.status === 200) {
          const listed = (await call('GET', '/api/members', tokens.secretariat)).body.members as { name: string }[];
          for (const m of listed) expect(m.name.includes('\u0000') || m.name.trim() !== m.name).toBe(false);
        }
      }),
      { numRuns: 25 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// uploaded file names

/** A name that can neither climb out of a directory nor smuggle a control character or a reserved one. */
function expectSafeName(name: string) {
  expect(name.length).toBeGreaterThan(0);
  expect(name.length).toBeLessThanOrEqual(200);
  expect(name).not.toMatch(/[\\/\x00-\x1f\x7f<>:"|?*]/);
  expect(name).not.toMatch(/^[.\s]/);
}

describe('uploaded file names', () => {
  const uploadRoutes = ['POST /api/cases/:id/proposal/files', 'POST /api/cases/:id/rfi/response/files'];

  async function upload(key: string, parts: Part[], note: string) {
    const route = routeTable.find((r) => r.key === key)!;
    const { body, contentType } = multipart(parts);
    return exercise(printable({ method: 'POST', path: pathFor(route, plans[key]!, {}), token: tokens.vendor1, headers: { 'content-type': contentType }, body, note }));
  }

  async function expectStoredSafely(res: Reply, content: Uint8Array, given: string) {
    expect(res.status, `${JSON.stringify(given.slice(0, 80))}: ${res.text}`).toBe(201);
    expectSafeName(res.body.file.name);
    await expectStorageTidy();
    const download = await call('GET', `/api/files/${res.body.file.id}`, tokens.vendor1);
    expect(download.status).toBe(200);
    expect(Buffer.from(download.bytes).equals(Buffer.from(content))).toBe(true);
    const disposition = download.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/);
    expect(/filename="([^"]*)"/.exec(disposition)![1]).not.toMatch(/[\\/]|^\./);
  }

  it('keeps path traversal, NUL, reserved characters and overlong names inside the storage root under a safe name', async () => {
    const content = pdfBytes(700);
    // as a quoted filename= and, for what a header line cannot carry (NUL, CR, LF), as filename*=UTF-8''…
    const cases: [string, string, 'quoted' | 'extended'][] = [
      ['../../etc/passwd.pdf', 'passwd.pdf', 'quoted'],
      ['../../etc/passwd.pdf', 'passwd.pdf', 'extended'],
      ['..\\..\\x.pdf', 'x.pdf', 'quoted'],
      ['..\\..\\x.pdf', 'x.pdf', 'extended'],
      ['/etc/passwd.pdf', 'passwd.pdf', 'quoted'],
      ['C:\\Windows\\win.ini.pdf', 'win.ini.pdf', 'extended'],
      ['....//....//x.pdf', 'x.pdf', 'quoted'],
      ['a\u0000b.pdf', 'a_b.pdf', 'extended'],
      ['\u0000\u0000.pdf', '__.pdf', 'extended'],
      ['x\r\ny.pdf', 'x__y.pdf', 'extended'],
      ['x\ty.pdf', 'x_y.pdf', 'quoted'],
      ['<script>.pdf', '_script_.pdf', 'quoted'],
      ['.hidden.pdf', 'hidden.pdf', 'quoted'],
    ];
    for (const key of uploadRoutes) {
      for (const [given, stored, how] of cases) {
        const part: Part = how === 'quoted' ? { name: 'file', filename: given, content } : { name: 'file', filename: 'fallback.pdf', filenameStar: given, content };
        const res = await upload(key, [part], `file ${JSON.stringify(given)} (${how})`);
        await expectStoredSafely(res, content, given);
        expect(res.body.file.name, JSON.stringify(given)).toBe(stored);
      }
      // a NUL typed into the header line itself breaks the part: refused, nothing stored
      expect((await upload(key, [{ name: 'file', filename: 'a\u0000b.pdf', content }], 'raw NUL')).status).toBe(400);
      const long = await upload(key, [{ name: 'file', filename: `${'長'.repeat(2000)}.pdf`, content }], 'very long name');
      await expectStoredSafely(long, content, 'very long name');
      expect(long.body.file.name).toMatch(/^長+\.pdf$/);
      // no extension left once the path is gone: refused, nothing stored
      expect((await upload(key, [{ name: 'file', filename: '../../etc/passwd', content }], 'no extension')).status).toBe(415);
    }
  });

  it('whatever the name, field and content: a stored file has a safe name and stays under the root; a refusal stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...uploadRoutes), multipartWire, async (key, m) => {
        const route = routeTable.find((r) => r.key === key)!;
        const res = await exercise(printable({ method: 'POST', path: pathFor(route, plans[key]!, {}), token: tokens.vendor1, headers: { 'content-type': m.contentType }, body: m.body, note: m.note }));
        if (res.status === 201) {
          expectSafeName(res.body.file.name);
          const download = await call('GET', `/api/files/${res.body.file.id}`, tokens.vendor1);
          expect(download.headers.get('content-disposition')).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 30 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// CSV exports: a cell Excel would run as a formula is prefixed with an apostrophe

const FORMULA_START = /^[=+\-@\t\r]/;
const isNumber = (cell: string) => /^-?\d+(\.\d+)?$/.test(cell);
const inert = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

async function csvCells(path: string, token: string | undefined): Promise<string[]> {
  const res = await call('GET', path, token);
  expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  const rows = parseCsv(res.text, { bom: true, relax_column_count: true }) as string[][];
  const cells = rows.flat();
  for (const cell of cells) {
    if (FORMULA_START.test(cell)) expect(isNumber(cell), `${path}: a cell Excel would run as a formula: ${JSON.stringify(cell)}`).toBe(true);
  }
  return cells;
}

/** Every CSV export of the world: its path, who may download it, and hostile text it must carry inert. */
const csvExports = () => [
  { path: `/api/cases/${ids.review}/apportionment.csv`, token: tokens.secretariat, texts: [names.member1, names.member2, names.member3, names.option1] },
  { path: `/api/cases/${ids.contracted}/contracts.csv`, token: tokens.secretariat, texts: [names.vendor1, names.member1, names.member2, names.member3, names.option1] },
  { path: `/api/surveys/${ids.survey}/results.csv`, token: tokens.secretariat, texts: [names.candidate1] },
  { path: `/api/cases/${ids.open}/rfi/responses.csv`, token: tokens.secretariat, texts: [names.vendor1, names.vendor2, names.question, names.choice1, ...CONTROL_FORMULAS, FORMULAS[0]!, '=HYPERLINK(1)'] },
  { path: `/api/cases/${ids.closed}/evaluation/results.csv`, token: tokens.secretariat, texts: [names.vendor1, names.vendor2, names.evaluator, names.criterion1, names.criterion2] },
  { path: '/api/public/export/2026/cases.csv', token: undefined, texts: [names.publicConsortium, names.publicTitle, names.closedTitle, names.vendor1] },
];

describe('CSV exports', () => {
  it('are all known: every .csv route of the app is checked here', () => {
    const csvRoutes = routeTable.filter((r) => r.path.endsWith('.csv')).map((r) => r.key).sort();
    expect(csvRoutes).toEqual(['GET /api/cases/:id/apportionment.csv', 'GET /api/cases/:id/contracts.csv', 'GET /api/cases/:id/evaluation/results.csv', 'GET /api/cases/:id/rfi/responses.csv', 'GET /api/public/export/:fiscalYear/cases.csv', 'GET /api/surveys/:id/results.csv']);
    expect(csvExports()).toHaveLength(csvRoutes.length);
  });

  it('neutralise member, vendor, evaluator, option, criterion, candidate, question, answer, file and case names', async () => {
    for (const { path, token, texts } of csvExports()) {
      const cells = await csvCells(path, token);
      for (const text of texts) {
        expect(cells.some((cell) => cell.startsWith(inert(text))), `${path} lacks ${JSON.stringify(inert(text))}`).toBe(true);
        expect(cells.some((cell) => cell.startsWith(text) && FORMULA_START.test(cell)), `${path} carries ${JSON.stringify(text)} as a formula`).toBe(false);
      }
    }
  });

  it('neutralise any generated formula-like text in names, candidates and free-text answers', async () => {
    const formula = fc.oneof(
      fc.constantFrom(...FORMULAS, ...CONTROL_FORMULAS, `=HYPERLINK("http://evil.example","x")`, '=1+1;=2', '-2', '+', '@'),
      fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\t=', '\r+'), fc.string({ minLength: 1, maxLength: 20 })).map(([p, s]) => `${p}${s}x`),
    );
    await fc.assert(
      fc.asyncProperty(formula, async (text) => {
        // a member named so joins the case; a vendor answers so; a survey lists a candidate so
        const member = await call('POST', '/api/members', tokens.secretariat, { name: text, kind: 'village' });
        expect(member.status, member.text).toBe(201);
        const stored = member.body.member.name as string;
        await ok(call('PUT', `/api/cases/${ids.review}/participants/${member.body.member.id}`, tokens.secretariat, { participating: true, options: {} }));
        expect(await csvCells(`/api/cases/${ids.review}/apportionment.csv`, tokens.secretariat)).toContain(inert(stored));

        await ok(call('PUT', `/api/cases/${ids.open}/rfi/response`, tokens.vendor1, { answers: { ...vendor1Answers, note: text }, submit: true }));
        expect(await csvCells(`/api/cases/${ids.open}/rfi/responses.csv`, tokens.secretariat)).toContain(inert(text));

        const survey = await call('POST', '/api/surveys', tokens.secretariat, { title: text, candidates: [{ code: 'c', name: text }] });
        expect(survey.status, survey.text).toBe(201);
        expect(await csvCells(`/api/surveys/${survey.body.survey.id}/results.csv`, tokens.secretariat)).toContain(inert(survey.body.survey.candidates[0].name));
      }),
      { numRuns: 12 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// pages: text comes back escaped

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const RAW_MARKUP = [/<script>alert\(1\)<\/script>/i, /<img[^>]*onerror/i, /<svg[^>]*onload/i];

/** Tags carrying an event handler attribute (quoted attribute values, where escaped text sits, left out). */
function eventHandlerTags(html: string): string[] {
  return (html.match(/<[a-z][^>]*>/gi) ?? []).filter((tag) => /\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"|'[^']*'/g, '""')));
}

const cookies: Record<string, string> = {};

function expectNoRawMarkup(where: string, text: string) {
  for (const pattern of RAW_MARKUP) expect(pattern.test(text), `${where} carries raw markup ${pattern}`).toBe(false);
  expect(eventHandlerTags(text), `${where} carries a tag with an event handler`).toEqual([]);
}

async function signInToPages() {
  if (Object.keys(cookies).length > 0) return;
  for (const [role, email] of [
    ['secretariat', 'sec-hx@test.example'],
    ['member', 'member-hx@test.example'],
    ['evaluator', 'eval-hx@test.example'],
    ['hostileEvaluator', 'hostile-hostileEvaluator@test.example'],
    ['vendor1', 'hostile-vendor1@test.example'],
  ] as const) {
    cookies[role] = await h.cookieFor(email);
  }
}

const pageRoutes = () => h.app.routes.filter((r) => r.method === 'GET' && !r.path.startsWith('/api/') && !r.path.startsWith('/assets/') && r.path !== '/healthz' && r.path !== '/readyz').map((r) => r.path);

/** Every page for every role, on the given cases (and each vendor's proposal page): none a 5xx, none with raw markup. Answers the pages shown. */
async function scanPages(caseIds: string[], surveyIds: string[]): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const paths = new Set<string>();
  for (const route of new Set(pageRoutes())) {
    const variants = route.includes(':id')
      ? route.startsWith('/surveys/')
        ? surveyIds.map((s) => route.replace(':id', s))
        : route.startsWith('/public/')
          ? [route.replace(':id', ids.closed!), route.replace(':id', ids.foreignCase!)]
          : caseIds.map((c) => route.replace(':id', c))
      : [route];
    for (const v of variants) for (const vendor of ['vendor1', 'vendor2']) paths.add(v.replace(':vendorId', ids[vendor]!).replace(':ref', ids[vendor]!));
  }
  expect(paths.size).toBeGreaterThan(40);
  for (const path of paths) {
    for (const [role, cookie] of [...Object.entries(cookies), ['anyone', '']] as const) {
      const res = cookie ? await h.page(cookie, path) : await h.call('GET', path);
      expect(res.status, `${role} ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      // a CSV download (the audit trail's) is text for a spreadsheet, never drawn by the browser: it goes out as an attachment
      if ((res.headers.get('content-type') ?? '').startsWith('text/csv')) {
        expect(res.headers.get('content-disposition') ?? '', `${role} ${path}`).toMatch(/^attachment/);
        continue;
      }
      expectNoRawMarkup(`${role} ${path}`, res.text);
      if (res.status === 200) seen.set(`${role} ${path}`, res.text);
    }
  }
  return seen;
}

describe('pages', () => {
  beforeAll(signInToPages);

  it('escape every hostile name, title and text on every page, for every role', async () => {
    const seen = await scanPages(['review', 'open', 'evaluating', 'closed', 'bid'].map((k) => ids[k]!), [ids.survey!]);
    // each hostile text shows up, escaped, somewhere it belongs
    const shown = (page: string, text: string) => expect(seen.get(page) ?? '', `${page} lacks ${escapeHtml(text)}`).toContain(escapeHtml(text));
    shown(`secretariat /cases/${ids.review}`, names.reviewTitle);
    shown(`secretariat /cases/${ids.review}`, names.description.split('\n')[0]!);
    shown(`secretariat /cases/${ids.review}`, names.option1);
    shown(`secretariat /cases/${ids.review}`, names.option2);
    shown(`secretariat /cases/${ids.review}`, names.member1);
    shown('secretariat /members', names.member2);
    shown('secretariat /members', names.member3);
    shown(`member /surveys/${ids.survey}`, names.candidate1);
    shown(`member /surveys/${ids.survey}`, names.candidate2);
    shown(`secretariat /cases/${ids.open}/rfi/responses`, names.question);
    shown(`secretariat /cases/${ids.open}/rfi/responses`, names.vendor2);
    shown(`secretariat /cases/${ids.open}/rfi/responses`, SCRIPT);
    shown(`member /cases/${ids.review}/spec`, names.specHeading);
    shown(`member /cases/${ids.review}/spec`, names.comment);
    shown(`secretariat /cases/${ids.review}/spec`, names.commentResponse);
    shown(`secretariat /cases/${ids.open}/questions`, names.askedQuestion);
    shown(`secretariat /cases/${ids.open}/questions`, names.publishedQuestion);
    shown(`secretariat /cases/${ids.open}/questions`, names.questionAnswer);
    shown(`secretariat /cases/${ids.closed}/evaluation`, names.criterion2);
    shown(`secretariat /cases/${ids.closed}/evaluation`, names.evaluator);
    shown(`evaluator /cases/${ids.evaluating}/evaluate/${ids.vendor1}`, names.criterion2);
    shown(`evaluator /cases/${ids.evaluating}/evaluate/${ids.vendor1}`, names.sheetComment);
    shown(`anyone /public/cases/${ids.foreignCase}`, names.publicTitle);
    shown(`anyone /public/cases/${ids.foreignCase}`, names.publicConsortium);
    shown(`anyone /public/cases/${ids.closed}`, names.vendor1);
  }, 60_000);

  it('answer a login form carrying a NUL like any unknown account, and echo the address escaped', async () => {
    for (const email of ['a\u0000b@test.example', `sec-hx@test.example\u0000${IMG}`]) {
      const before = await snapshot();
      const res = await h.form(undefined, '/login', { email, password: 'not-the-password' });
      expect(res.status, res.text.slice(0, 200)).toBe(401);
      expect(res.text).toContain('メールアドレスまたはパスワードが正しくありません');
      expectNoRawMarkup('/login', res.text);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('keep the Atom feed free of markup from titles, descriptions and consortium names', async () => {
    const res = await h.call('GET', '/public/feed.xml');
    expect(res.status).toBe(200);
    // entries are declared type="html": their text must arrive escaped, so a reader shows it as text
    const entries = res.text.split('<entry>').slice(1);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const unwrapped = entry.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, inner: string) => inner);
      expectNoRawMarkup('/public/feed.xml', unwrapped);
    }
    expect(res.text).toContain(escapeHtml(names.publicTitle));
  });

  it('keep a title that closes the CDATA section from forging an entry', async () => {
    const title = ']]></title></entry><entry><title>forged</title><id>x</id></entry><entry><title><![CDATA[';
    const created = await ok(call('POST', '/api/cases', tokens.otherSecretariat, { title, method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 }), 201);
    await ok(call('PUT', `/api/cases/${created.case.id}/rfi`, tokens.otherSecretariat, { deadline: '2027-01-31T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] }));
    await ok(call('POST', `/api/cases/${created.case.id}/transition`, tokens.otherSecretariat, { to: 'rfi' }));
    const published = (await call('GET', '/api/public/cases', undefined)).body.cases.length;
    const feed = await h.call('GET', '/public/feed.xml');
    expect(feed.text.split('<entry>').length - 1).toBe(published);
    expect(feed.text).not.toContain('<title>forged</title>');
    expect(feed.text).toContain(escapeHtml(title));
  });

  it('escape any generated markup in a case title and description and a member name', async () => {
    const markup = fc.oneof(
      fc.constantFrom(SCRIPT, IMG, '<svg/onload=alert(1)>', "'><a href=javascript:alert(1)>x</a>", '&lt;script&gt;', '</textarea><script>alert(1)</script>', '<!--', ']]><x>'),
      fc
        .tuple(fc.constantFrom('a', 'img', 'svg', 'iframe', 'body', 'div', 'x-y'), fc.constantFrom('onload', 'onerror', 'onclick', 'style', 'href'), fc.string({ maxLength: 12 }), fc.constantFrom('"', "'", ''))
        .map(([tag, attr, value, q]) => `${q}><${tag} ${attr}=${q}${value.replace(/\s/g, '')}${q}>`),
    );
    await fc.assert(
      fc.asyncProperty(markup, async (text) => {
        const created = await call('POST', '/api/cases', tokens.secretariat, { title: text, description: text, method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 });
        expect(created.status, created.text).toBe(201);
        const member = await call('POST', '/api/members', tokens.secretariat, { name: text, kind: 'other' });
        expect(member.status, member.text).toBe(201);
        for (const path of ['/cases', `/cases/${created.body.case.id}`, '/members']) {
          const page = await h.page(cookies.secretariat!, path);
          expect(page.status).toBe(200);
          expect(page.text, path).toContain(escapeHtml(text));
          // text with a tag bracket never reaches the page as it was typed
          if (/[<>]/.test(text)) expect(page.text, path).not.toContain(text);
          expectNoRawMarkup(path, page.text);
        }
      }),
      { numRuns: 10 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// PDFs: hostile text is printed as literal text

async function pdfText(path: string, token: string | undefined): Promise<string> {
  const res = await call('GET', path, token);
  expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return rawText(scratch.write(`doc-${Math.random().toString(16).slice(2)}.pdf`, res.bytes));
}

const squeezed = (text: string) => text.replace(/\s+/g, '');

describe('PDFs', () => {
  it('print markup, formulas and template syntax as literal text', async () => {
    const documents = [
      { path: `/api/cases/${ids.review}/documents/spec.pdf`, texts: [names.reviewTitle, names.specHeading, names.specBody, names.requirement, names.option1, names.member1, names.member2] },
      { path: `/api/cases/${ids.closed}/documents/award.pdf`, texts: [names.closedTitle, names.vendor1] },
      { path: `/api/cases/${ids.review}/documents/comment-responses.pdf`, texts: [names.comment, names.commentResponse] },
      { path: `/api/cases/${ids.closed}/documents/evaluation-summary.pdf`, texts: [names.criterion1, names.criterion2, names.vendor1] },
    ];
    for (const { path, texts } of documents) {
      const text = await pdfText(path, tokens.secretariat);
      for (const expected of texts) expect(text, `${path} lacks ${JSON.stringify(expected)}`).toContain(squeezed(expected));
    }
  }, 60_000);

  it('print generated headings and bodies as they were typed', async () => {
    const printableText = fc
      .array(fc.constantFrom(...'<>&"\'=+-@{}[]/\\|!#$%()*;:?abcXYZ019 岐阜市仕様', SCRIPT, IMG, '{{title}}', '{{{x}}}', '${x}', ']]>'), { minLength: 1, maxLength: 12 })
      .map((parts) => parts.join('').trim())
      .filter((t) => t.length > 0);
    await fc.assert(
      fc.asyncProperty(printableText, printableText, async (heading, body) => {
        // on a case of its own: the sections of `review` stay the ones its members comment on
        await ok(call('PUT', `/api/cases/${ids.specDraft}/spec`, tokens.secretariat, { sections: [{ heading, body }] }));
        const text = await pdfText(`/api/cases/${ids.specDraft}/documents/spec.pdf`, tokens.secretariat);
        expect(text).toContain(squeezed(heading));
        expect(text).toContain(squeezed(body));
      }),
      { numRuns: 4 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------
// generated requests on every route (last: a request that is accepted changes the world)

// What became of the generated requests, per route: how many reached the handler and how many were accepted.
interface Reach {
  runs: number;
  reached: number;
  accepted: number;
}
const reach: Record<string, Reach> = {};

/** Refusals answered before a route's own logic runs: by the body or query schema, the content type, a size limit or the session check. */
const FIRST_REFUSALS = new Set(['validation_error', 'unsupported_type', 'too_large', 'unauthenticated', 'forbidden']);

/**
 * A request reached the handler when the route's own work answered it: it was accepted (2xx), or it was
 * refused for a reason only that work can give — the state of the case, a deadline, a used-up object
 * (409s), not_qualified, rate_limited, or not_found for an object looked up from a valid path. Not
 * reached: a first refusal (above), and not_found when the generator replaced a path segment. (A
 * validation_error that a service raises after its own lookups is counted as not reached too: the
 * count errs on the low side.)
 */
function reachedHandler(w: Wire, res: Reply): boolean {
  if (res.status < 300) return true;
  const code = errorCode(res) ?? '';
  if (FIRST_REFUSALS.has(code)) return false;
  return !(code === 'not_found' && w.segmentMutated);
}

/** The stored name of an accepted upload is safe, and its download names it without breaking the header. */
async function expectUploadStoredSafely(res: Reply, w: Wire) {
  expectSafeName(res.body.file.name);
  const download = await call('GET', `/api/files/${res.body.file.id}`, w.token);
  expect(download.status, `${preview(w)}: download ${download.text.slice(0, 200)}`).toBe(200);
  expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/);
}

const isWrite = (key: string) => !key.startsWith('GET ');

function reachTable(): string {
  const pct = (n: number, of: number) => `${of === 0 ? 0 : Math.round((100 * n) / of)}%`;
  const lines = routeTable.filter((r) => reach[r.key]).map((r) => {
    const { runs, reached, accepted } = reach[r.key]!;
    return `${r.key.padEnd(60)} ${String(runs).padStart(4)} ${String(reached).padStart(7)} ${String(accepted).padStart(8)}`;
  });
  const total = (write: boolean) => {
    const rows = Object.entries(reach).filter(([k]) => isWrite(k) === write).map(([, v]) => v);
    const sum = (f: keyof Reach) => rows.reduce((n, v) => n + v[f], 0);
    return `${write ? 'write' : 'read'} routes ${rows.length}: ${sum('runs')} requests, ${sum('reached')} (${pct(sum('reached'), sum('runs'))}) reached the handler, ${sum('accepted')} (${pct(sum('accepted'), sum('runs'))}) accepted; routes with none accepted: ${rows.filter((v) => v.accepted === 0).length}`;
  };
  return [`${'route'.padEnd(60)} ${'runs'.padStart(4)} ${'reached'.padStart(7)} ${'accepted'.padStart(8)}`, ...lines, total(true), total(false)].join('\n');
}

describe('every API route, called with hostile input by someone allowed to call it', () => {
  it('has a plan for each route in the app\'s route table, and the table is the one the app serves', () => {
    expect(apiRoutesOf(h.app).map((r) => r.key)).toEqual(routeTable.map((r) => r.key));
    expect(routeTable.length).toBeGreaterThan(80);
    expect(routeTable.filter((r) => !plans[r.key]).map((r) => r.key)).toEqual([]);
    expect(Object.keys(plans).filter((k) => !routeTable.some((r) => r.key === k))).toEqual([]);
  });

  it.each(routeTable.map((r) => [r.key, r] as const))('%s: never a 5xx, errors in shape, refusals change nothing', async (_key, route) => {
    const plan = plans[route.key];
    expect(plan, `no plan for ${route.key}`).toBeDefined();
    const counts: Reach = (reach[route.key] = { runs: 0, reached: 0, accepted: 0 });
    await fc.assert(
      fc.asyncProperty(recipesFor(route, plan!), async (r) => {
        const w = wireOf(route, plan!, r);
        const res = await exercise(w);
        if (r.part === 'server-owned fields') {
          // a field the service does not know is refused by name, never silently dropped
          expect(res.status, `${preview(w)} → ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
          if (errorCode(res) === 'validation_error') expect(res.body.error.details.some((d: { code: string }) => d.code === 'unrecognized_keys'), `${preview(w)} → ${res.text.slice(0, 300)}`).toBe(true);
        }
        // unknown keys are refused at the schema by design, so they say nothing of how far other requests reach
        const strictRefusal = (r.part === 'server-owned fields' || r.part === 'body key') && errorCode(res) === 'validation_error';
        if (!strictRefusal) counts.runs += 1;
        if (!strictRefusal && reachedHandler(w, res)) counts.reached += 1;
        if (res.status < 300) counts.accepted += 1;
        plan!.after?.(res);
        if (res.status === 201 && plan!.body === 'multipart') await expectUploadStoredSafely(res, w);
      }),
      { numRuns: plan!.runs ?? RUNS, examples: templateAsSent(plan!) },
    );
  }, 120_000);

  it('leaves every page and every CSV export inert after the hostile values it accepted', async () => {
    await signInToPages();
    // the cases the generated requests wrote hostile text to, and surveys made by them
    const caseKeys = ['review', 'open', 'evaluating', 'specDraft', 'rfiSetup', 'evaluationSetup', 'coi', 'investigation'];
    const surveys = (await call('GET', '/api/surveys', tokens.secretariat)).body.surveys.map((s: { id: string }) => s.id) as string[];
    await scanPages([...caseKeys.map((k) => ids[k]!), pools.award.items[0]!], surveys.slice(0, 4));
    for (const { path, token } of [...csvExports(), { path: '/api/public/export/2027/cases.csv', token: undefined }]) await csvCells(path, token);
    for (const survey of surveys) await csvCells(`/api/surveys/${survey}/results.csv`, tokens.secretariat);
    for (const closed of pools.close.items.slice(0, pools.close.items.indexOf(pools.close.current) + 1)) {
      const res = await call('GET', `/api/cases/${closed}/evaluation/results.csv`, tokens.secretariat);
      if (res.status === 200) await csvCells(`/api/cases/${closed}/evaluation/results.csv`, tokens.secretariat);
    }
  }, 120_000);

  it('reaches the handlers: most generated writes pass the first refusal, and every write route accepts some', () => {
    console.log(`Generated requests per route: how many reached the handler, how many were accepted\n${reachTable()}`);
    const writes = routeTable.filter((r) => isWrite(r.key));
    // only when every route ran (a run filtered by name leaves the others out)
    if (!writes.every((r) => reach[r.key]?.runs)) return;
    const runs = writes.reduce((n, r) => n + reach[r.key]!.runs, 0);
    const reached = writes.reduce((n, r) => n + reach[r.key]!.reached, 0);
    expect(reached / runs, reachTable()).toBeGreaterThanOrEqual(REACHED_WRITES);
    expect(writes.filter((r) => reach[r.key]!.accepted === 0).map((r) => r.key), 'write routes that accepted no generated request').toEqual([]);
  });
});
