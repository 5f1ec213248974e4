import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, sessions } from '../../schema/index.ts';
import { JSON_BODY_LIMIT } from '../../src/app.ts';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'sec-a');
  b = await createTenant(h, 'sec-b');
});
afterAll(() => h.close());

/** Row counts of the tables a refused request must leave alone. */
async function snapshot() {
  const db = h.database.db;
  return {
    members: (await db.select().from(members)).length,
    audit: (await db.select().from(auditLog)).length,
    sessions: (await db.select().from(sessions)).length,
  };
}

function expectErrorShape(body: any, code: string) {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|node_modules|Error:/);
}

describe('refused requests change nothing', () => {
  it('a wrong password', async () => {
    const before = await snapshot();
    const res = await h.call('POST', '/api/auth/login', { body: { email: 'sec-sec-a@test.example', password: 'not-the-password' } });
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 'unauthenticated');
    expect(await snapshot()).toEqual(before);
  });

  it('no session and an expired one', async () => {
    const token = await h.login('eval-sec-a@test.example');
    const before = await snapshot();
    expect((await h.call('POST', '/api/members', { body: { name: '匿名', kind: 'city' } })).status).toBe(401);
    const start = h.clock.now();
    h.clock.advance(h.deps.config.sessionMaxMs + 1);
    const expired = await h.call('GET', '/api/me', { token });
    h.clock.set(start);
    expect(expired.status).toBe(401);
    expectErrorShape(expired.body, 'unauthenticated');
    const after = await snapshot();
    expect(after.members).toBe(before.members);
    expect(after.audit).toBe(before.audit);
  });

  it('another consortium\'s object is a 404, as if it did not exist', async () => {
    const before = await snapshot();
    const res = await h.call('GET', `/api/members/${a.memberIds[0]}`, { token: b.secretariat });
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 'not_found');
    const missing = await h.call('GET', '/api/members/does-not-exist', { token: b.secretariat });
    expect(missing.body).toEqual(res.body);
    expect(await snapshot()).toEqual(before);
  });

  it('a vendor calling a secretariat endpoint', async () => {
    const before = await snapshot();
    const res = await h.call('POST', '/api/members', { token: a.vendor, body: { name: '不正', kind: 'city' } });
    expect(res.status).toBe(403);
    expectErrorShape(res.body, 'forbidden');
    expect((await h.call('POST', '/api/users', { token: a.vendor, body: { email: 'x@test.example', name: 'x', role: 'secretariat', password: PASSWORD } })).status).toBe(403);
    expect((await h.call('GET', '/api/audit', { token: a.vendor })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('a caller without the role is refused before its body is read, whatever the body', async () => {
    const before = await snapshot();
    const bad = { title: 1 };
    const calls: [string, string, string][] = [
      ['POST', '/api/cases', a.vendor],
      ['PATCH', '/api/cases/any', a.member],
      ['POST', '/api/cases/any/transition', a.evaluator],
      ['PUT', '/api/cases/any/apportionment', a.member],
      ['PUT', `/api/cases/any/participants/${a.memberIds[0]}`, a.vendor],
      ['POST', '/api/surveys', a.member],
      ['PATCH', '/api/surveys/any', a.evaluator],
      ['PUT', `/api/surveys/any/responses/${a.memberIds[0]}`, a.evaluator],
    ];
    for (const [method, path, token] of calls) {
      const res = await h.call(method, path, { token, body: bad });
      expect(res.status, `${method} ${path}`).toBe(403);
      expectErrorShape(res.body, 'forbidden');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a JSON body sent as a form', async () => {
    const before = await snapshot();
    const res = await h.call('POST', '/api/members', {
      token: a.secretariat,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=%E5%81%BD&kind=city',
    });
    expect(res.status).toBe(415);
    expectErrorShape(res.body, 'unsupported_type');
    const plain = await h.call('POST', '/api/members', {
      token: a.secretariat,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: '偽', kind: 'city' }),
    });
    expect(plain.status).toBe(415);
    expect(await snapshot()).toEqual(before);
  });

  it('an oversized body', async () => {
    const before = await snapshot();
    const res = await h.call('POST', '/api/members', {
      token: a.secretariat,
      body: JSON.stringify({ name: 'x'.repeat(JSON_BODY_LIMIT + 10), kind: 'city' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 'too_large');
    expect(await snapshot()).toEqual(before);
  });

  it('malformed JSON and a schema miss', async () => {
    const before = await snapshot();
    const broken = await h.call('POST', '/api/members', { token: a.secretariat, body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expectErrorShape(broken.body, 'validation_error');
    const miss = await h.call('POST', '/api/members', { token: a.secretariat, body: { name: '', kind: 'metropolis' } });
    expect(miss.status).toBe(400);
    expect(miss.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['kind', 'name']);
    expect(await snapshot()).toEqual(before);
  });

  it('a cross-site form post with the session cookie', async () => {
    const login = await h.call('POST', '/api/auth/login', { body: { email: 'sec-sec-a@test.example', password: PASSWORD } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const before = await snapshot();
    const res = await h.call('POST', '/logout', {
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect((await h.call('GET', '/api/me', { headers: { cookie } })).status).toBe(200);
  });
});

describe('unknown routes', () => {
  it('are JSON 404 under /api and a Japanese page elsewhere', async () => {
    const api = await h.call('GET', '/api/nothing-here');
    expect(api.status).toBe(404);
    expectErrorShape(api.body, 'not_found');
    const page = await h.call('GET', '/nothing-here');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('ページが見つかりません');
    expect(page.text).toContain('<html lang="ja">');
  });
});

describe('security headers', () => {
  it('carry a CSP, a one-year HSTS and nosniff on pages and API answers', async () => {
    for (const path of ['/login', '/api/me']) {
      const res = await h.call('GET', path);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
