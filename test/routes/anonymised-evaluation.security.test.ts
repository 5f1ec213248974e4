import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Reply, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';

/**
 * Anonymised evaluation holds: an evaluator of a case scored under 提案者A, B… is walked through every
 * route of the app it can call (the route table with every parameter filled in, every link, form and
 * script address found on its pages, its own saves, submissions and refusals), and no answer, header or
 * address carries a vendor's id, a vendor's name or the name a vendor gave a file.
 */

let h: Harness;
let t: Tenant;
let caseId: string;
let token: string;
let cookie: string;
const files = {
  vendor: ['株式会社アルファ_技術提案書.pdf', 'アルファ_会社概要.pdf'],
  otherVendor: ['ベータ情報システム_提案書.pdf'],
};
const criteria = [
  { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 70, mode: 'points' },
  { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
];

/** Everything that would tell an evaluator who is who. */
function secrets(): string[] {
  const ids = [t.vendorId, t.otherVendorId].flatMap((id) => [id, id.replace(/-/g, '')]);
  const names = ['anon事業者1', 'anon事業者2'];
  const fileNames = [...files.vendor, ...files.otherVendor].flatMap((n) => [n, n.replace(/\.pdf$/, '')]);
  return [...ids, ...names, ...fileNames];
}

interface Seen {
  what: string;
  res: Reply;
}
const seen: Seen[] = [];

/** All the text of an answer: status line, every header (also URL-decoded), the body (a PDF's text). */
function textOf(what: string, res: Reply): string {
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  let body = res.text;
  if ((res.headers.get('content-type') ?? '').includes('application/pdf')) {
    try {
      body += execFileSync('pdftotext', ['-q', '-', '-'], { input: res.bytes }).toString('utf8');
    } catch {
      // not a document the service drew (an uploaded proposal): its bytes were scanned as they are
    }
  }
  const all = `${what}\n${headers}\n${body}`;
  let decoded = all;
  try {
    decoded = decodeURIComponent(all.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
  } catch {
    // keep the raw text
  }
  return `${all}\n${decoded}`;
}

function leaks(): string[] {
  const found: string[] = [];
  for (const { what, res } of seen) {
    const text = textOf(what, res);
    for (const secret of secrets()) if (text.includes(secret)) found.push(`${what} (${res.status}) shows ${secret}`);
  }
  return found;
}

const isApi = (path: string) => path.startsWith('/api/');
async function get(path: string): Promise<Reply> {
  const res = isApi(path) ? await h.call('GET', path, { token }) : await h.page(cookie, path);
  seen.push({ what: `GET ${path}`, res });
  return res;
}
async function send(method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await h.call(method, path, { token, body });
  seen.push({ what: `${method} ${path}`, res });
  return res;
}
async function post(path: string, fields: [string, string][]): Promise<Reply> {
  const res = await h.form(cookie, path, fields);
  seen.push({ what: `POST ${path}`, res });
  return res;
}

/** Every address a page hands the browser: links, form actions, scripts and data- attributes. */
function addressesOn(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\s(?:href|action|src|data-[a-z-]+)="(\/[^"]*)"/g)) out.push(m[1]!.replace(/&amp;/g, '&'));
  return out;
}

/** The route table's GET routes with every parameter filled in, in each way an evaluator could fill it. */
function everyGet(refs: string[], fileIds: string[], skip: (path: string) => boolean): string[] {
  const paths = new Set<string>();
  const patterns = new Set(h.app.routes.filter((r) => r.method === 'GET').map((r) => r.path));
  for (const pattern of patterns) {
    let variants = [pattern];
    const fill = (param: RegExp, values: string[]) => {
      variants = variants.flatMap((v) => (param.test(v) ? values.map((x) => v.replace(param, x)) : [v]));
    };
    if (pattern.startsWith('/api/files/')) fill(/:id\b/, fileIds);
    if (pattern.startsWith('/api/public/consortia/')) fill(/:id\b/, [t.consortiumId]);
    if (pattern.startsWith('/api/members/')) fill(/:id\b/, [t.memberIds[0]!]);
    fill(/:name\{[^}]*\}/, ['spec.pdf', 'award.pdf', 'evaluation-summary.pdf', 'bid-tabulation.pdf', 'comment-responses.pdf']);
    fill(/:name\b/, ['sheet.js', 'app.css']);
    fill(/:(ref|vendorId)\b/, refs);
    fill(/:fiscalYear\b/, ['2026']);
    fill(/:memberId\b/, [t.memberIds[0]!]);
    fill(/:id\b/, [caseId]);
    fill(/:\w+(\{[^}]*\})?/, [caseId]);
    for (const v of variants) if (!skip(v)) paths.add(v);
  }
  return [...paths];
}

/** Walks the GET routes, then every address the pages show, until no new one turns up. */
async function walk(refs: string[], fileIds: string[], skip: (path: string) => boolean = () => false) {
  const done = new Set<string>();
  const queue = everyGet(refs, fileIds, skip);
  while (queue.length > 0 && done.size < 500) {
    const path = queue.shift()!;
    if (done.has(path) || path.startsWith('/logout') || skip(path)) continue;
    done.add(path);
    const res = await get(path);
    expect(res.status, `GET ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
    if ((res.headers.get('content-type') ?? '').includes('text/html')) queue.push(...addressesOn(res.text));
  }
  return done;
}

beforeAll(async () => {
  h = await createHarness();
  t = await createTenant(h, 'anon');
  const created = await h.call('POST', '/api/cases', {
    token: t.secretariat,
    body: { title: '公開型校務支援システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' },
  });
  caseId = created.body.case.id;
  await putSpec(h, t.secretariat, caseId);
  expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
  for (const [vendorToken, names, price] of [
    [t.vendor, files.vendor, 8_000_000],
    [t.otherVendor, files.otherVendor, 9_500_000],
  ] as const) {
    for (const name of names) {
      const { body, contentType } = multipartBody(name, pdfBytes(1200));
      expect((await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: vendorToken, body, headers: { 'content-type': contentType } })).status).toBe(201);
      h.clock.advance(1000);
    }
    expect((await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: vendorToken, body: { price } })).status).toBe(200);
  }
  const evaluatorId = (await h.call('GET', '/api/me', { token: t.evaluator })).body.user.id;
  const set = await h.call('PUT', `/api/cases/${caseId}/evaluation`, { token: t.secretariat, body: { criteria, aggregation: 'average', evaluatorIds: [evaluatorId], anonymize: true, reason: '評価基準を定めます。' } });
  expect(set.status, set.text).toBe(200);
  h.clock.set('2026-04-14T10:00:00.000+09:00');
  t.secretariat = await h.login('sec-anon@test.example');
  expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'evaluation' } })).status).toBe(200);
  token = await h.login('eval-anon@test.example');
  cookie = await h.cookieFor('eval-anon@test.example');
}, 60_000);
afterAll(() => h?.close());

describe('an evaluator of an anonymised evaluation', () => {
  let refs: string[];
  let fileIds: string[];

  it('declares no conflict and gets the proposals by ref and letter only', async () => {
    // the declaration, by the page's form: nothing about the vendors before it either
    await walk([], [], (p) => p.includes('/evaluate/') || p.includes('/evaluation/sheets/'));
    expect((await post(`/cases/${caseId}/evaluate/coi`, [['conflict', 'false']])).status).toBe(303);
    const list = await get(`/api/cases/${caseId}/evaluation/proposals`);
    expect(list.status).toBe(200);
    const proposals = list.body.proposals as { ref: string; label: string; price: number; files: { id: string; name: string }[] }[];
    expect(proposals.map((p) => [p.label, p.price, p.files.map((f) => f.name)])).toEqual([
      ['提案者A', 8_000_000, ['提案者A_提出資料1.pdf', '提案者A_提出資料2.pdf']],
      ['提案者B', 9_500_000, ['提案者B_提出資料1.pdf']],
    ]);
    refs = proposals.map((p) => p.ref);
    fileIds = proposals.flatMap((p) => p.files.map((f) => f.id));
    expect(refs.every((r) => /^[A-Za-z0-9_-]{43}$/.test(r))).toBe(true);
    expect((await get(`/api/cases/${caseId}/proposals`)).body.proposals.map((p: { ref: string }) => p.ref)).toEqual(refs);
  });

  it('scores, saves by page and by autosave, is refused, and submits, all through refs', async () => {
    const [refA, refB] = refs as [string, string];
    expect((await send('PUT', `/api/cases/${caseId}/evaluation/sheets/${refA}`, { scores: { func: 50 }, comment: '十分' })).status).toBe(200);
    expect((await send('PUT', `/api/cases/${caseId}/evaluation/sheets/${refA}`, { scores: { func: 51 }, version: 7 })).status).toBe(409);
    expect((await send('PUT', `/api/cases/${caseId}/evaluation/sheets/${refA}`, { scores: { func: 99 } })).status).toBe(400);
    expect((await send('POST', `/api/cases/${caseId}/evaluation/coi`, { conflict: false })).status).toBe(409);
    // the page without JavaScript: a refused save comes back in place, a good one redirects to the ref
    expect((await post(`/cases/${caseId}/evaluate/${refB}`, [['version', '0'], ['score_func', '71'], ['comment', ''], ['action', 'save']])).status).toBe(400);
    const saved = await post(`/cases/${caseId}/evaluate/${refB}`, [['version', '0'], ['score_func', '40'], ['comment', '概ね良い'], ['action', 'save']]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/cases/${caseId}/evaluate/${refB}?done=save`);
    await get(saved.headers.get('location')!);
    expect((await send('POST', `/api/cases/${caseId}/evaluation/sheets/${refA}/submit`)).body.sheet.status).toBe('submitted');
    expect((await send('PUT', `/api/cases/${caseId}/evaluation/sheets/${refA}`, { scores: { func: 1 } })).status).toBe(409);
    const submitted = await post(`/cases/${caseId}/evaluate/${refB}`, [['version', '1'], ['score_func', '40'], ['comment', '概ね良い'], ['action', 'submit']]);
    expect(submitted.status).toBe(303);
    // 提出 saves, then asks for confirmation on a page addressed by the ref too
    expect(submitted.headers.get('location')).toBe(`/cases/${caseId}/evaluate/${refB}/submit`);
    await get(submitted.headers.get('location')!);
    const confirmed = await post(`/cases/${caseId}/evaluate/${refB}/submit`, [['version', '2']]);
    expect(confirmed.status).toBe(303);
    await get(confirmed.headers.get('location')!);
  });

  it('reaches every route and page it may use while the evaluation runs, none showing who is who', async () => {
    const reached = await walk(refs, fileIds);
    const ok = (path: string) => seen.some((s) => s.what === `GET ${path}` && s.res.status === 200);
    for (const path of [
      `/cases/${caseId}`,
      `/cases/${caseId}/evaluate`,
      `/cases/${caseId}/evaluate/${refs[0]}`,
      `/api/cases/${caseId}`,
      `/api/cases/${caseId}/evaluation`,
      `/api/cases/${caseId}/evaluation/proposals`,
      `/api/cases/${caseId}/proposals`,
      `/api/cases/${caseId}/evaluation/sheets/${refs[0]}`,
      `/api/cases/${caseId}/evaluation/sheets/${refs[1]}`,
      `/api/cases/${caseId}/documents/spec.pdf`,
      `/api/public/cases/${caseId}`,
      `/api/public/cases/${caseId}/ocds`,
      `/public/cases/${caseId}`,
      '/assets/sheet.js',
      ...fileIds.map((id) => `/api/files/${id}`),
    ]) {
      expect(reached.has(path), `${path} was not reached`).toBe(true);
      expect(ok(path), `${path} did not answer 200`).toBe(true);
    }
    // each download is named after the letter
    const disposition = (id: string) => decodeURIComponent(seen.find((s) => s.what === `GET /api/files/${id}`)!.res.headers.get('content-disposition') ?? '');
    expect(fileIds.map(disposition).map((d) => /filename\*=UTF-8''(.+)$/.exec(d)?.[1])).toEqual(['提案者A_提出資料1.pdf', '提案者A_提出資料2.pdf', '提案者B_提出資料1.pdf']);
    expect(leaks()).toEqual([]);
  });

  it('after the close still sees its own views by ref only', async () => {
    expect((await h.call('POST', `/api/cases/${caseId}/evaluation/close`, { token: t.secretariat })).status).toBe(200);
    // the close publishes who took part (OCDS tenderers, by design): the public views are left out here
    await walk(refs, fileIds, (p) => p.startsWith('/api/public/') || p.startsWith('/public'));
    const closed = (path: string) => seen.filter((s) => s.what === `GET ${path}`).at(-1)!.res;
    expect(closed(`/cases/${caseId}/evaluate`).text).toContain('評価は締め切られました');
    expect(closed(`/api/cases/${caseId}/evaluation/sheets/${refs[1]}`).body.sheet).toMatchObject({ status: 'submitted', scores: { func: 40 } });
    expect(leaks()).toEqual([]);
  });

  it('is told the secrets would be found: the scan sees a vendor id where one is shown', async () => {
    const secretariat = await h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token: t.secretariat });
    seen.push({ what: 'the secretariat’s results (control)', res: secretariat });
    expect(leaks().length).toBeGreaterThan(0);
    seen.pop();
  });
});
