import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../schema/index.ts';
import { type Harness, OPERATOR, PASSWORD, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let t: Tenant;

beforeAll(async () => {
  h = await createHarness();
  t = await createTenant(h, 'auth');
});
afterAll(() => h.close());

const sessionCount = async () => (await h.database.db.select().from(sessions)).length;

describe('login, me and logout', () => {
  it('answers a token and the user, and the token identifies the caller', async () => {
    const res = await h.call('POST', '/api/auth/login', { body: { email: 'MEMBER-auth@test.example', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: 'member-auth@test.example', role: 'member', consortiumId: t.consortiumId, memberId: t.memberIds[0] });
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const me = await h.call('GET', '/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('member-auth@test.example');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie that works on its own', async () => {
    const res = await h.call('POST', '/api/auth/login', { body: { email: 'eval-auth@test.example', password: PASSWORD } });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sid=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    const me = await h.call('GET', '/api/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.body.user.role).toBe('evaluator');
  });

  it('marks the cookie Secure behind HTTPS', async () => {
    const res = await h.app.request('https://wb.example/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'eval-auth@test.example', password: PASSWORD }),
    });
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('stores only a hash of the token', async () => {
    const token = await h.login('eval-auth@test.example');
    const rows = await h.database.db.select().from(sessions);
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it('ends the session on logout', async () => {
    const token = await h.login('eval-auth@test.example');
    const out = await h.call('POST', '/api/auth/logout', { token });
    expect(out.status).toBe(200);
    const me = await h.call('GET', '/api/me', { token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthenticated');
  });

  it('ends the session a browser brought when it logs in again', async () => {
    const first = await h.call('POST', '/api/auth/login', { body: { email: 'eval-auth@test.example', password: PASSWORD } });
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const second = await h.call('POST', '/api/auth/login', { headers: { cookie }, body: { email: 'eval-auth@test.example', password: PASSWORD } });
    expect(second.status).toBe(200);
    expect((await h.call('GET', '/api/me', { headers: { cookie } })).status).toBe(401);
    expect((await h.call('GET', '/api/me', { token: second.body.token })).status).toBe(200);
  });
});

describe('refused logins', () => {
  it('gives the same answer for a wrong password and an unknown address, and creates no session', async () => {
    const before = await sessionCount();
    const wrong = await h.call('POST', '/api/auth/login', { body: { email: 'member-auth@test.example', password: 'wrong-password' } });
    const unknown = await h.call('POST', '/api/auth/login', { body: { email: 'nobody@test.example', password: 'wrong-password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.message).toBe('メールアドレスまたはパスワードが正しくありません。');
    expect(await sessionCount()).toBe(before);
  });

  it('refuses a disabled account and ends its sessions', async () => {
    await h.call('POST', '/api/users', {
      token: t.secretariat,
      body: { email: 'leaver@test.example', name: '退職者', role: 'evaluator', password: PASSWORD },
    });
    const token = await h.login('leaver@test.example');
    const users = await h.call('GET', '/api/users', { token: t.secretariat });
    const leaver = users.body.users.find((u: { email: string }) => u.email === 'leaver@test.example');
    const disabled = await h.call('PATCH', `/api/users/${leaver.id}`, { token: t.secretariat, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect((await h.call('GET', '/api/me', { token })).status).toBe(401);
    const again = await h.call('POST', '/api/auth/login', { body: { email: 'leaver@test.example', password: PASSWORD } });
    expect(again.status).toBe(401);
  });
});

describe('session expiry', () => {
  it('ends a session idle for longer than the idle limit', async () => {
    const token = await h.login('eval-auth@test.example');
    h.clock.advance(h.deps.config.sessionIdleMs - 1000);
    expect((await h.call('GET', '/api/me', { token })).status).toBe(200);
    h.clock.advance(h.deps.config.sessionIdleMs + 1000);
    expect((await h.call('GET', '/api/me', { token })).status).toBe(401);
  });

  it('ends an active session at the absolute limit', async () => {
    const token = await h.login('eval-auth@test.example');
    const step = h.deps.config.sessionIdleMs / 2;
    let elapsed = 0;
    while (elapsed + step < h.deps.config.sessionMaxMs) {
      h.clock.advance(step);
      elapsed += step;
      expect((await h.call('GET', '/api/me', { token })).status).toBe(200);
    }
    h.clock.advance(h.deps.config.sessionMaxMs - elapsed);
    expect((await h.call('GET', '/api/me', { token })).status).toBe(401);
  });
});

describe('operator', () => {
  it('logs in without a consortium', async () => {
    const token = await h.login(OPERATOR.email, OPERATOR.password);
    const me = await h.call('GET', '/api/me', { token });
    expect(me.body.user).toMatchObject({ role: 'operator', consortiumId: null });
  });
});

describe('login throttling', () => {
  const attempt = (email: string, password: string) => h.call('POST', '/api/auth/login', { body: { email, password } });

  it('holds an account after five wrong passwords, even with the right one, the same for an unknown address', async () => {
    const secretariat = await h.login('sec-auth@test.example');
    const created = await h.call('POST', '/api/users', { token: secretariat, body: { email: 'target@test.example', name: '標的', role: 'evaluator', password: PASSWORD } });
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await attempt('target@test.example', `wrong-${i}`)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await attempt('ghost@test.example', `wrong-${i}`)).status).toBe(401);
    const before = await sessionCount();
    const held = await attempt('Target@test.example', PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('rate_limited');
    expect(held.body.error.message).toContain('15 分ほど待ってから');
    expect(Number(held.headers.get('retry-after'))).toBe(15 * 60);
    const ghost = await attempt('ghost@test.example', 'anything');
    expect(ghost.status).toBe(429);
    expect(ghost.body).toEqual(held.body);
    expect(await sessionCount()).toBe(before);
    // the login page shows the same message
    const page = await h.form(undefined, '/login', { email: 'target@test.example', password: PASSWORD });
    expect(page.status).toBe(429);
    expect(page.text).toContain('一時的にログインを止めています');
    // other accounts are not held
    expect((await attempt('member-auth@test.example', PASSWORD)).status).toBe(200);

    h.clock.advance(15 * 60_000);
    expect((await attempt('target@test.example', PASSWORD)).status).toBe(200);
  });

  it('holds an address after thirty failures across accounts', async () => {
    h.clock.advance(60 * 60_000);
    for (let i = 0; i < 30; i++) expect((await attempt(`spray-${i}@test.example`, 'wrong-password')).status).toBe(401);
    const held = await attempt('eval-auth@test.example', PASSWORD);
    expect(held.status).toBe(429);
    h.clock.advance(15 * 60_000);
    expect((await attempt('eval-auth@test.example', PASSWORD)).status).toBe(200);
  });

  it('counts each attempt before its password is checked: of 25 simultaneous wrong passwords at most five are tried', async () => {
    h.clock.advance(60 * 60_000);
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => attempt('race@test.example', `wrong-${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('holds a right password that arrives inside a burst of wrong ones', async () => {
    h.clock.advance(60 * 60_000);
    const secretariat = await h.login('sec-auth@test.example');
    const created = await h.call('POST', '/api/users', { token: secretariat, body: { email: 'burst@test.example', name: '連続', role: 'evaluator', password: PASSWORD } });
    expect(created.status).toBe(201);
    const before = await sessionCount();
    const burst = Array.from({ length: 40 }, (_, i) => (i === 20 ? PASSWORD : `wrong-${i}`));
    const answers = await Promise.all(burst.map((password) => attempt('burst@test.example', password)));
    expect(answers[20]!.status).toBe(429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(0);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(await sessionCount()).toBe(before);
  });
});
