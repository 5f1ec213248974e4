import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OPERATOR, PASSWORD, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'ten-a');
  b = await createTenant(h, 'ten-b');
});
afterAll(() => h.close());

describe('consortia', () => {
  it('are created by the operator only, each with its secretariat', async () => {
    const operator = await h.login(OPERATOR.email, OPERATOR.password);
    const list = await h.call('GET', '/api/consortia', { token: operator });
    expect(list.body.consortia.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([a.consortiumId, b.consortiumId]));
    const refused = await h.call('POST', '/api/consortia', {
      token: a.secretariat,
      body: { name: '無断', secretariat: { email: 'x@test.example', name: 'x', password: PASSWORD } },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });

  it('refuse an address already in use', async () => {
    const operator = await h.login(OPERATOR.email, OPERATOR.password);
    const res = await h.call('POST', '/api/consortia', {
      token: operator,
      body: { name: '重複', secretariat: { email: 'sec-ten-a@test.example', name: 'x', password: PASSWORD } },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
    const list = await h.call('GET', '/api/consortia', { token: operator });
    expect(list.body.consortia.some((c: { name: string }) => c.name === '重複')).toBe(false);
  });
});

describe('members', () => {
  it('keep kind, code, population and births per fiscal year', async () => {
    const res = await h.call('POST', '/api/members', {
      token: a.secretariat,
      body: { name: '熊本市', kind: 'city', code: '431001', population: 737000, births: { '2023': 6120, '2024': 5930 } },
    });
    expect(res.status).toBe(201);
    expect(res.body.member).toMatchObject({ name: '熊本市', kind: 'city', code: '431001', population: 737000, births: { '2023': 6120, '2024': 5930 } });
    const list = await h.call('GET', '/api/members', { token: a.member });
    expect(list.body.members.map((m: { name: string }) => m.name)).toContain('熊本市');
  });

  it('refuse a code with a wrong check digit, with a Japanese reason', async () => {
    const res = await h.call('POST', '/api/members', { token: a.secretariat, body: { name: '誤り市', kind: 'city', code: '431002' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details[0]).toMatchObject({ path: 'code', message: '団体コードの検査数字が正しくありません' });
  });

  it('refuse a code already registered in the consortium', async () => {
    const res = await h.call('POST', '/api/members', { token: a.secretariat, body: { name: '熊本市（重複）', kind: 'city', code: '431001' } });
    expect(res.status).toBe(409);
  });

  it('are visible only inside their consortium', async () => {
    const other = await h.call('GET', `/api/members/${a.memberIds[0]}`, { token: b.secretariat });
    expect(other.status).toBe(404);
    const own = await h.call('GET', `/api/members/${a.memberIds[0]}`, { token: a.secretariat });
    expect(own.status).toBe(200);
    const list = await h.call('GET', '/api/members', { token: b.secretariat });
    expect(list.body.members.some((m: { id: string }) => a.memberIds.includes(m.id))).toBe(false);
  });
});

describe('users', () => {
  it('cannot be tied to another consortium\'s member or vendor', async () => {
    const res = await h.call('POST', '/api/users', {
      token: b.secretariat,
      body: { email: 'sneak@test.example', name: 'x', role: 'member', password: PASSWORD, memberId: a.memberIds[0] },
    });
    expect(res.status).toBe(400);
    const vendor = await h.call('POST', '/api/users', {
      token: b.secretariat,
      body: { email: 'sneak@test.example', name: 'x', role: 'vendor', password: PASSWORD, vendorId: a.vendorId },
    });
    expect(vendor.status).toBe(400);
  });

  it('need the member or vendor their role requires, and never create an operator', async () => {
    const noMember = await h.call('POST', '/api/users', { token: a.secretariat, body: { email: 'm@test.example', name: 'x', role: 'member', password: PASSWORD } });
    expect(noMember.status).toBe(400);
    const operator = await h.call('POST', '/api/users', { token: a.secretariat, body: { email: 'o@test.example', name: 'x', role: 'operator', password: PASSWORD } });
    expect(operator.status).toBe(400);
  });

  it('of another consortium cannot be changed', async () => {
    const list = await h.call('GET', '/api/users', { token: a.secretariat });
    const target = list.body.users.find((u: { role: string }) => u.role === 'evaluator');
    const res = await h.call('PATCH', `/api/users/${target.id}`, { token: b.secretariat, body: { disabled: true } });
    expect(res.status).toBe(404);
  });
});

describe('vendors', () => {
  it('register themselves with a login and can then log in', async () => {
    const res = await h.call('POST', '/api/vendors/register', {
      body: {
        consortiumId: a.consortiumId,
        companyName: '株式会社テスト開発',
        corporateNumber: '7000012050002',
        email: 'new-vendor@test.example',
        name: '担当 太郎',
        password: PASSWORD,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.vendor).toMatchObject({ name: '株式会社テスト開発', corporateNumber: '7000012050002' });
    expect(res.body.user).toMatchObject({ role: 'vendor', vendorId: res.body.vendor.id, consortiumId: a.consortiumId });
    const token = await h.login('new-vendor@test.example');
    const own = await h.call('GET', `/api/vendors/${res.body.vendor.id}`, { token });
    expect(own.status).toBe(200);
    const other = await h.call('GET', `/api/vendors/${a.vendorId}`, { token });
    expect(other.status).toBe(404);
  });

  it('cannot register with an unknown consortium', async () => {
    const res = await h.call('POST', '/api/vendors/register', {
      body: { consortiumId: 'nope', companyName: 'x', email: 'v9@test.example', name: 'x', password: PASSWORD },
    });
    expect(res.status).toBe(404);
  });

  it('are listed for the secretariat of their consortium only', async () => {
    const list = await h.call('GET', '/api/vendors', { token: b.secretariat });
    expect(list.body.vendors.some((v: { id: string }) => v.id === a.vendorId)).toBe(false);
    expect((await h.call('GET', `/api/vendors/${a.vendorId}`, { token: b.secretariat })).status).toBe(404);
  });
});
