import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, PASSWORD, type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let b: Tenant;
let sec: string;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'adm');
  b = await createTenant(h, 'admb');
  sec = await h.cookieFor('sec-adm@test.example');
});
afterAll(() => h.close());

const canLogIn = async (email: string, password = PASSWORD) => (await h.call('POST', '/api/auth/login', { body: { email, password } })).status === 200;
/** The rows of the trail's table (the filter's choices name actions and people too). */
const rows = (text: string) => text.slice(text.indexOf('<tbody>'));
const idFrom = (location: string | null) => /\/users\/([^/?]+)/.exec(location ?? '')![1]!;

async function createAccount(fields: Record<string, string>) {
  const res = await h.form(sec, '/users', { name: '', email: '', role: '', memberId: '', vendorId: '', password: PASSWORD, ...fields });
  return res;
}

describe('account pages', () => {
  it('list the accounts with role, body, state and last sign-in', async () => {
    const page = await h.page(sec, '/users');
    expect(page.status).toBe(200);
    const row = (email: string) => page.text.split('<tr>').find((r) => r.includes(email))!;
    // the member account belongs to its body; it has signed in (createTenant logs it in)
    expect(row('member-adm@test.example')).toContain('参加団体');
    expect(row('member-adm@test.example')).toContain('adm市');
    expect(row('member-adm@test.example')).toContain('2026/04/01 09:00');
    expect(row('vendor-adm@test.example')).toContain('adm事業者1');
    expect(row('eval-adm@test.example')).toContain('有効');
    // another consortium's accounts are not listed
    expect(page.text).not.toContain('admb');
  });

  it('create an account that can sign in, and refuse in Japanese what is missing, keeping what was typed', async () => {
    const missing = await createAccount({ name: '熊本 花子', email: 'hanako@adm.example', role: 'member' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('参加団体の利用者には所属する参加団体を選んでください');
    expect(missing.text).toContain('value="熊本 花子"');
    // the refused choice is marked where it is, its message beside it
    expect(missing.text).toMatch(/<select id="account-member" name="memberId" aria-invalid="true" aria-describedby="account-member-error"/);
    expect(missing.text).toContain('<span class="field-error" id="account-member-error">参加団体の利用者には所属する参加団体を選んでください</span>');
    expect(await canLogIn('hanako@adm.example')).toBe(false);

    const taken = await createAccount({ name: '重複', email: 'EVAL-adm@test.example', role: 'evaluator' });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('このメールアドレスはすでに登録されています。');

    const short = await createAccount({ name: '短い', email: 'short@adm.example', role: 'evaluator', password: 'abc' });
    expect(short.text).toContain('パスワードは10文字以上にしてください');
    expect(short.text).toContain('<span class="field-error" id="account-password-error">');

    // the vendor select still holds a choice: only the body the role needs is sent
    const created = await createAccount({ name: '熊本 花子', email: 'hanako@adm.example', role: 'member', memberId: a.memberIds[1]!, vendorId: a.vendorId });
    expect(created.status).toBe(303);
    const id = idFrom(created.headers.get('location'));
    expect(await canLogIn('hanako@adm.example')).toBe(true);
    const page = await h.page(sec, `/users/${id}?done=created`);
    expect(page.text).toContain('利用者を登録しました');
    expect(page.text).toContain('adm村');
    const me = await h.call('GET', '/api/me', { token: await h.login('hanako@adm.example') });
    expect(me.body.user).toMatchObject({ role: 'member', memberId: a.memberIds[1] });
  });

  it('disable an account only when confirmed, end its sessions and refuse its sign-in; enable it again', async () => {
    const created = await createAccount({ name: '委員 太郎', email: 'taro@adm.example', role: 'evaluator' });
    const id = idFrom(created.headers.get('location'));
    const taroCookie = await h.cookieFor('taro@adm.example');
    expect((await h.page(taroCookie, '/cases')).status).toBe(200);

    const unconfirmed = await h.form(sec, `/users/${id}/disable`, {});
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('無効にすることを確認し、チェックを入れてください。');
    expect(await canLogIn('taro@adm.example')).toBe(true);

    const disabled = await h.form(sec, `/users/${id}/disable`, { confirm: 'on' });
    expect(disabled.status).toBe(303);
    expect(await canLogIn('taro@adm.example')).toBe(false);
    const signedOut = await h.page(taroCookie, '/cases');
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toMatch(/^\/login/);
    const page = await h.page(sec, `/users/${id}`);
    expect(page.text).toContain('このアカウントは無効です');
    expect((await h.page(sec, '/users')).text.split('<tr>').find((r) => r.includes('taro@adm.example'))).toContain('無効');

    expect((await h.form(sec, `/users/${id}/enable`, {})).status).toBe(303);
    expect(await canLogIn('taro@adm.example')).toBe(true);
  });

  it('reset a password: the old one stops working, the new one works, the trail records it without the password', async () => {
    const created = await createAccount({ name: '事業者 次郎', email: 'jiro@adm.example', role: 'vendor', vendorId: a.otherVendorId });
    const id = idFrom(created.headers.get('location'));
    const page = await h.page(sec, `/users/${id}`);
    const suggested = /id="reset-password" name="password" type="text" value="([^"]+)"/.exec(page.text)![1]!;
    expect(suggested).toMatch(/^[A-Za-z0-9]{14}$/);

    const unconfirmed = await h.form(sec, `/users/${id}/password`, { password: suggested });
    expect(unconfirmed.status).toBe(400);
    // what was typed stays in the field, so the password already copied is still the one to set
    expect(unconfirmed.text).toContain(`value="${suggested}"`);
    expect(await canLogIn('jiro@adm.example', suggested)).toBe(false);

    expect((await h.form(sec, `/users/${id}/password`, { password: 'short', confirm: 'on' })).text).toContain('パスワードは10文字以上にしてください');

    const reset = await h.form(sec, `/users/${id}/password`, { password: suggested, confirm: 'on' });
    expect(reset.status).toBe(303);
    expect(await canLogIn('jiro@adm.example')).toBe(false);
    expect(await canLogIn('jiro@adm.example', suggested)).toBe(true);
    const log = await h.call('GET', '/api/audit', { token: a.secretariat });
    const entry = log.body.entries.find((e: { action: string; objectId: string }) => e.action === 'user.password_reset' && e.objectId === id);
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry)).not.toContain(suggested);
  });

  it("refuse the secretariat's own account, another consortium's, and every other role", async () => {
    const me = await h.call('GET', '/api/me', { token: a.secretariat });
    const own = await h.page(sec, `/users/${me.body.user.id}`);
    expect(own.text).toContain('これはあなた自身のアカウントです');
    expect((await h.form(sec, `/users/${me.body.user.id}/disable`, { confirm: 'on' })).status).toBe(400);
    expect((await h.form(sec, `/users/${me.body.user.id}/password`, { password: 'another-password-1', confirm: 'on' })).text).toContain('自分自身のパスワードはここでは再設定できません');
    expect(await canLogIn('sec-adm@test.example')).toBe(true);

    const other = await h.call('GET', '/api/me', { token: b.evaluator });
    expect((await h.page(sec, `/users/${other.body.user.id}`)).status).toBe(404);
    expect((await h.form(sec, `/users/${other.body.user.id}/password`, { password: 'another-password-1', confirm: 'on' })).status).toBe(404);
    expect(await canLogIn('eval-admb@test.example')).toBe(true);

    expect((await h.page(await h.cookieFor('member-adm@test.example'), '/users')).status).toBe(403);
    expect((await h.page(await h.cookieFor(OPERATOR.email, OPERATOR.password), '/users')).status).toBe(403);
  });
});

describe('consortium page', () => {
  it('lets the operator create a consortium whose secretariat can sign in', async () => {
    const op = await h.cookieFor(OPERATOR.email, OPERATOR.password);
    const page = await h.page(op, '/consortia');
    expect(page.text).toContain('adm協議会');
    const taken = await h.form(op, '/consortia', { name: '重複協議会', secretariatName: '重複', secretariatEmail: 'sec-adm@test.example', secretariatPassword: PASSWORD });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('このメールアドレスはすでに登録されています。');
    expect(taken.text).toContain('value="重複協議会"');
    expect((await h.page(op, '/consortia')).text).not.toContain('重複協議会');

    const created = await h.form(op, '/consortia', { name: '長野県DX推進協議会', secretariatName: '長野 事務局', secretariatEmail: 'sec-nagano@adm.example', secretariatPassword: PASSWORD });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/consortia?done=created');
    expect((await h.page(op, '/consortia?done=created')).text).toContain('長野県DX推進協議会');
    const me = await h.call('GET', '/api/me', { token: await h.login('sec-nagano@adm.example') });
    expect(me.body.user.role).toBe('secretariat');
    expect((await h.page(sec, '/consortia')).status).toBe(403);
  });
});

describe('audit trail page', () => {
  it('filters by action, actor, case and dates, newest first, in pages', async () => {
    h.clock.set('2026-04-03T10:00:00.000+09:00');
    // two days on, every session has expired: sign in again
    a.secretariat = await h.login('sec-adm@test.example');
    a.member = await h.login('member-adm@test.example');
    sec = await h.cookieFor('sec-adm@test.example');
    const caseRes = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '監査対象の案件', method: 'proposal', contractMode: 'individual', fiscalYear: 2026 } });
    const caseId = caseRes.body.case.id;
    for (let i = 0; i < 55; i++) await h.call('POST', '/api/members', { token: a.secretariat, body: { name: `監査町${i}`, kind: 'town' } });
    h.clock.set('2026-04-03T11:00:00.000+09:00');

    const byAction = await h.page(sec, '/audit?action=member.create');
    expect(byAction.status).toBe(200);
    expect(byAction.text).toContain('監査ログ（57件中 1〜50件目、新しい順）');
    // newest first
    expect(byAction.text.indexOf('監査町54')).toBeLessThan(byAction.text.indexOf('監査町53'));
    expect(byAction.text).not.toContain('監査町4<');
    const second = await h.page(sec, '/audit?action=member.create&page=2');
    expect(second.text).toContain('51〜57件目');
    expect(second.text).toContain('name: 監査町0');

    const byCase = await h.page(sec, `/audit?caseId=${caseId}`);
    expect(rows(byCase.text)).toContain('案件の作成');
    expect(rows(byCase.text)).not.toContain('参加団体の登録');

    const april3 = await h.page(sec, '/audit?from=2026-04-03&to=2026-04-03&action=member.create');
    expect(april3.text).toContain('監査ログ（55件中');
    expect(rows(april3.text)).not.toContain('name: adm市');
    const april1 = await h.page(sec, '/audit?to=2026-04-01&action=member.create');
    expect(april1.text).toContain('監査ログ（2件中');
    expect(rows(april1.text)).toContain('name: adm市');
    expect(rows(april1.text)).not.toContain('監査町');
    const member = await h.call('GET', '/api/me', { token: a.member });
    const byActor = await h.page(sec, `/audit?actor=${member.body.user.id}`);
    expect(rows(byActor.text)).toContain('member-adm@test.example<span class="muted">（参加団体）');
    expect(byActor.text).not.toContain('監査町');

    const bad = await h.page(sec, '/audit?from=2026-13-45');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('日付は 2026-04-01 の形（年-月-日）で指定してください');

    // another consortium's trail is not shown
    expect((await h.page(sec, '/audit')).text).not.toContain('admb');
  });

  it('exports the filtered trail as CSV in Japan time, for Excel', async () => {
    const csv = await h.call('GET', '/audit/csv?action=member.create&from=2026-04-03', { headers: { cookie: sec } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('番号,日時（日本時間）,操作者,操作者の権限,操作,操作コード,対象の種類,対象ID,案件,内容');
    expect(lines).toHaveLength(56);
    expect(lines[1]).toContain('2026/04/03 10:00');
    expect(lines[1]).toContain('参加団体の登録');
  });

  it('verifies the chain and says in Japanese where it is broken', async () => {
    const ok = await h.page(sec, '/audit?verify=1');
    expect(ok.text).toContain('検証しました。改ざんは見つかりませんでした。');
    const entries = Number(/監査ログの記録 ([\d,]+) 件すべて/.exec(ok.text)![1]!.replace(/,/g, ''));
    const api = await h.call('GET', '/api/audit/verify', { token: a.secretariat });
    expect(entries).toBe(api.body.entries);

    await h.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await tx.execute(sql`UPDATE audit_log SET details = '{"name":"改ざん"}'::jsonb WHERE id = (SELECT entry_id FROM audit_seals WHERE chain_key = ${a.consortiumId} AND seq = 5)`);
      await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    });
    const broken = await h.page(sec, '/audit?verify=1&action=member.create');
    expect(broken.text).toContain('検証の結果、第5番の記録で異常を見つけました。');
    // the filter is kept beside the verdict
    expect(broken.text).toContain('<input type="hidden" name="action" value="member.create"/>');
  });

  it("shows the operator the platform's own trail", async () => {
    const op = await h.cookieFor(OPERATOR.email, OPERATOR.password);
    const page = await h.page(op, '/audit');
    expect(rows(page.text)).toContain('協議会の作成');
    expect(page.text).not.toContain('監査町');
    expect((await h.page(op, '/audit?verify=1')).text).toContain('改ざんは見つかりませんでした');
    expect((await h.page(await h.cookieFor('eval-adm@test.example'), '/audit')).status).toBe(403);
  });
});
