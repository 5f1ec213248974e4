import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant, openProposalCase } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';

// What every response carries whoever asks: a download name that cannot break the header, no copy of
// a signed-in page left in the browser's cache, absolute URLs from PUBLIC_URL whatever Host the client
// sent, and the exact Content-Security-Policy the README promises.

const PUBLIC_URL = 'https://chotatsu.example.lg.jp';
const HOSTILE_HOST = 'evil.example';

let h: Harness;
let a: Tenant;
let caseId: string;
let fileId: string;
const longTitle = `${'共'.repeat(179)}😀`;

beforeAll(async () => {
  h = await createHarness({ publicUrl: PUBLIC_URL });
  a = await createTenant(h, 'hy');
  caseId = await openProposalCase(h, a, longTitle);
  const { body, contentType } = multipartBody('提案書.pdf', pdfBytes(2048));
  const uploaded = await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.vendor, body, headers: { 'content-type': contentType } });
  expect(uploaded.status, uploaded.text).toBe(201);
  fileId = uploaded.body.file.id;
});
afterAll(() => h.close());

/** The name a browser saves the download as (the RFC 5987 form). */
const savedAs = (header: string | null) => decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(header ?? '')![1]!);

describe('download names', () => {
  it('a case titled with 179 characters and an emoji downloads its spec as …pdf (it was a 500)', async () => {
    for (const [path, token] of [
      [`/api/cases/${caseId}/documents/spec.pdf`, a.secretariat],
      [`/api/public/cases/${caseId}/documents/spec.pdf`, undefined],
    ] as const) {
      const res = await h.call('GET', path, { token });
      expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(200);
      const name = savedAs(res.headers.get('content-disposition'));
      expect(name.endsWith('.pdf'), name).toBe(true);
      expect(name.startsWith('共'.repeat(100))).toBe(true);
      expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('a receipt downloads as 受付票_<name>.pdf, not ….pdf.pdf', async () => {
    const res = await h.call('GET', `/api/files/${fileId}/receipt.pdf`, { token: a.vendor });
    expect(res.status).toBe(200);
    expect(savedAs(res.headers.get('content-disposition'))).toBe('受付票_提案書.pdf');
  });
});

describe('Cache-Control: no-store', () => {
  it('on every page and every API answer of a signed-in caller, errors and redirects included', async () => {
    const cookie = await h.cookieFor('sec-hy@test.example');
    const vendorCookie = await h.cookieFor('vendor-hy@test.example');
    const pages: [string, string][] = [
      [cookie, '/cases'],
      [cookie, `/cases/${caseId}`],
      [cookie, '/members'],
      [cookie, '/no-such-page'],
      [vendorCookie, '/receipts'],
      [vendorCookie, `/cases/${caseId}/submit`],
    ];
    const seen: string[] = [];
    for (const [who, path] of pages) {
      const res = await h.page(who, path);
      seen.push(`${path} ${res.status}`);
      expect(res.headers.get('cache-control'), `${path} (${res.status})`).toMatch(/\bno-store\b/);
    }
    const api: [string, string][] = [
      [a.secretariat, '/api/cases'],
      [a.secretariat, `/api/cases/${caseId}`],
      [a.secretariat, '/api/members'],
      [a.secretariat, '/api/audit?limit=5'],
      [a.member, `/api/cases/${caseId}/apportionment`],
      [a.vendor, '/api/receipts'],
      [a.vendor, `/api/files/${fileId}`],
      [a.vendor, `/api/files/${fileId}/receipt`],
      [a.vendor, '/api/members'],
      [a.vendor, '/api/no-such-route'],
      [a.secretariat, '/api/public/cases'],
    ];
    for (const [token, path] of api) {
      const res = await h.call('GET', path, { token });
      seen.push(`${path} ${res.status}`);
      expect(res.headers.get('cache-control'), `${path} (${res.status})`).toMatch(/\bno-store\b/);
    }
    // a write, a refused write and a form post answered by a redirect
    const write = await h.call('POST', '/api/members', { token: a.secretariat, body: { name: 'キャッシュ確認村', kind: 'village' } });
    const refused = await h.call('POST', '/api/members', { token: a.vendor, body: { name: '拒否村', kind: 'village' } });
    const redirected = await h.form(cookie, '/logout', {});
    for (const res of [write, refused, redirected]) expect(res.headers.get('cache-control'), `${res.status}`).toMatch(/\bno-store\b/);
    expect([write.status, refused.status, redirected.status]).toEqual([201, 403, 303]);
    // the answer that hands out a session
    const login = await h.call('POST', '/api/auth/login', { body: { email: 'sec-hy@test.example', password: 'test-password-1' } });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(seen.length).toBeGreaterThan(15);
  });

  it('on every page even without a login; the stylesheet stays cacheable', async () => {
    for (const path of ['/login', '/public', `/public/cases/${caseId}`, '/register', '/no-such-page']) {
      const res = await h.call('GET', path);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toMatch(/\bno-store\b/);
    }
    const css = await h.call('GET', '/assets/app.css');
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600');
  });
});

describe('absolute URLs', () => {
  /** A request as a client sends it to a server reached under another name (a hostile Host header). */
  const fromHostileHost = async (path: string, token?: string) => {
    const res = await h.app.request(`http://${HOSTILE_HOST}${path}`, {
      headers: { host: HOSTILE_HOST, 'x-forwarded-host': HOSTILE_HOST, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return { status: res.status, text: await res.text() };
  };

  it('OCDS uri and the feed links start with PUBLIC_URL, never with the Host the request named', async () => {
    const publicPackage = await fromHostileHost(`/api/public/cases/${caseId}/ocds`);
    expect(publicPackage.status).toBe(200);
    expect(JSON.parse(publicPackage.text).uri).toBe(`${PUBLIC_URL}/api/public/cases/${caseId}/ocds`);

    const yearPackage = await fromHostileHost('/api/public/export/2026/ocds.json');
    expect(yearPackage.status).toBe(200);
    expect(JSON.parse(yearPackage.text).uri).toBe(`${PUBLIC_URL}/api/public/export/2026/ocds.json`);

    const internalPackage = await fromHostileHost(`/api/cases/${caseId}/ocds`, a.secretariat);
    expect(internalPackage.status).toBe(200);
    expect(JSON.parse(internalPackage.text).uri).toBe(`${PUBLIC_URL}/api/cases/${caseId}/ocds`);

    const feed = await fromHostileHost('/public/feed.xml');
    expect(feed.status).toBe(200);
    expect(feed.text).toContain(`<id>${PUBLIC_URL}/public</id>`);
    expect(feed.text).toContain(`href="${PUBLIC_URL}/public/feed.xml"`);
    expect(feed.text).toContain(`${PUBLIC_URL}/public/cases/${caseId}`);

    for (const res of [publicPackage, yearPackage, internalPackage, feed]) {
      expect(res.text).not.toContain(HOSTILE_HOST);
      expect(res.text).not.toContain('http://localhost');
    }
  });
});

describe('Content-Security-Policy', () => {
  it('is exactly the policy the README promises: scripts and styles from this origin only, no inline script', async () => {
    const res = await h.call('GET', '/login');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    );
    // and the page works under it: no inline script, no inline style attribute
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });
});
