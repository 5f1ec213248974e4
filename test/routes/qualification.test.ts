import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, SITE_ORIGIN, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';

// 入札参加資格: a vendor that registered itself waits for the secretariat before it proposes or bids.

let h: Harness;
let a: Tenant;
let b: Tenant;
let proposalCase: string;
let bidCase: string;
let registered = 0;

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * Registrations are limited per client address (ten an hour) and every request here comes from the
 * same one: each is made some minutes after the last, as the limit allows.
 */
const nextRegistration = () => h.clock.advance(7 * 60_000);

/** A vendor registering itself, as anyone may; answers its id and a token. */
async function register(label: string, corporateNumber?: string) {
  nextRegistration();
  registered += 1;
  const email = `v${registered}@qual.example`;
  const res = await h.call('POST', '/api/vendors/register', {
    body: { consortiumId: a.consortiumId, companyName: `${label}株式会社`, email, name: '担当', password: PASSWORD, ...(corporateNumber ? { corporateNumber } : {}) },
  });
  if (res.status !== 201) throw new Error(`register ${label}: ${res.status} ${res.text}`);
  return { id: res.body.vendor.id as string, body: res.body, token: await h.login(email), email };
}

const decide = (vendorId: string, body: unknown, token = a.secretariat) => h.call('POST', `/api/vendors/${vendorId}/qualification`, { token, body });

async function auditOf(vendorId: string) {
  const log = await h.call('GET', '/api/audit?limit=1000', { token: a.secretariat });
  return (log.body.entries as { objectId: string; action: string; details: Record<string, unknown> }[]).filter((e) => e.objectId === vendorId);
}

const upload = (token: string) => {
  const { body, contentType } = multipartBody('提案書.pdf', pdfBytes(1000));
  return h.call('POST', `/api/cases/${proposalCase}/proposal/files`, { token, body, headers: { 'content-type': contentType } });
};
const bid = (token: string) => h.call('POST', `/api/cases/${bidCase}/bids`, { token, body: { amount: 9_000_000, lotNumber: 7 } });

beforeAll(async () => {
  // the tests move the clock by hours (the registration limit): sessions outlast them
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'qa');
  b = await createTenant(h, 'qb');
  const sec = a.secretariat;
  proposalCase = (await h.call('POST', '/api/cases', { token: sec, body: { title: '提案の案件', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2027-03-31T17:00:00.000+09:00' } })).body.case.id;
  await h.call('PUT', `/api/cases/${proposalCase}/rfi`, { token: sec, body: { deadline: '2027-01-31T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] } });
  expect((await h.call('POST', `/api/cases/${proposalCase}/transition`, { token: sec, body: { to: 'rfi' } })).status).toBe(200);
  bidCase = (await h.call('POST', '/api/cases', { token: sec, body: { title: '入札の案件', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } })).body.case.id;
  const set = await h.call('PUT', `/api/cases/${bidCase}/bidding`, {
    token: sec,
    body: { ceilingPrice: 10_000_000, ceilingPublic: false, deadlineAt: '2027-03-01T17:00:00.000+09:00', openingAt: '2027-03-02T10:00:00.000+09:00' },
  });
  expect(set.status).toBe(200);
  await putSpec(h, sec, bidCase);
  expect((await h.call('POST', `/api/cases/${bidCase}/transition`, { token: sec, body: { to: 'open' } })).status).toBe(200);
});
afterAll(() => h.close());

describe('standing on creation', () => {
  it('a vendor that registers itself is pending; one the secretariat creates is approved, by whom and when', async () => {
    const self = await register('自己登録', '7123456789012');
    expect(self.body.vendor).toMatchObject({ qualification: 'pending', qualificationReason: null, qualifiedAt: null, corporateNumber: '7123456789012' });
    const own = await h.call('GET', `/api/vendors/${self.id}`, { token: self.token });
    expect(own.body.vendor.qualification).toBe('pending');

    const created = await h.call('POST', '/api/vendors', { token: a.secretariat, body: { name: '事務局登録株式会社', corporateNumber: '7900000000002' } });
    expect(created.status).toBe(201);
    expect(created.body.vendor).toMatchObject({ qualification: 'approved', qualifiedAt: h.clock.now().toISOString() });
    const [entry] = await auditOf(created.body.vendor.id);
    expect(entry).toMatchObject({ action: 'vendor.create', details: { qualification: 'approved' } });
  });

  it('lists only the vendors of one standing with ?qualification=, and refuses an unknown standing', async () => {
    const waiting = await register('一覧確認');
    const list = await h.call('GET', '/api/vendors?qualification=pending', { token: a.secretariat });
    expect(list.status).toBe(200);
    const ids = list.body.vendors.map((v: { id: string }) => v.id);
    expect(ids).toContain(waiting.id);
    expect(ids).not.toContain(a.vendorId);
    expect(list.body.vendors.every((v: { qualification: string }) => v.qualification === 'pending')).toBe(true);
    const approved = await h.call('GET', '/api/vendors?qualification=approved', { token: a.secretariat });
    expect(approved.body.vendors.map((v: { id: string }) => v.id)).toContain(a.vendorId);
    expect((await h.call('GET', '/api/vendors?qualification=maybe', { token: a.secretariat })).status).toBe(400);
  });
});

describe('only approved vendors propose and bid', () => {
  it('a pending vendor answers the RFI, but its proposal files, prices, withdrawal, bids and declines are 403 not_qualified', async () => {
    const pending = await register('審査待ち');
    const rfi = await h.call('PUT', `/api/cases/${proposalCase}/rfi/response`, { token: pending.token, body: { answers: { summary: '回答します' }, submit: true } });
    expect(rfi.status).toBe(200);
    await putSpec(h, a.secretariat, proposalCase);
    await h.call('POST', `/api/cases/${proposalCase}/transition`, { token: a.secretariat, body: { to: 'open' } });

    for (const res of [
      await upload(pending.token),
      await h.call('PUT', `/api/cases/${proposalCase}/proposal`, { token: pending.token, body: { price: 8_000_000 } }),
      await h.call('POST', `/api/cases/${proposalCase}/proposal/withdraw`, { token: pending.token }),
      await bid(pending.token),
      await h.call('POST', `/api/cases/${bidCase}/bids/decline`, { token: pending.token }),
      await h.call('POST', `/api/cases/${bidCase}/bids/paper`, { token: a.secretariat, body: { vendorId: pending.id, amount: 9_000_000, receivedAt: h.clock.now().toISOString() } }),
    ]) {
      expect(res.status, res.text).toBe(403);
      expect(res.body.error.code).toBe('not_qualified');
      expect(res.body.error.message).toContain('審査中');
    }
    const own = await h.call('GET', `/api/cases/${proposalCase}/proposal`, { token: pending.token });
    expect(own.body.proposal).toEqual({ price: null, files: [], withdrawn: false });
    const mine = await h.call('GET', `/api/cases/${bidCase}/bids/mine`, { token: pending.token });
    expect(JSON.stringify(mine.body)).not.toContain('"round"');
  });

  it('refuses a proposal file from a vendor that is not approved before reading a byte of it', async () => {
    const pending = await register('読まずに断る');
    let pulled = 0;
    // a body that never ends: the answer can only come if nothing waits for it
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 64) return new Promise(() => {});
        controller.enqueue(utf8('--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n'));
      },
    });
    const res = await h.call('POST', `/api/cases/${proposalCase}/proposal/files`, { token: pending.token, body: endless, headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('not_qualified');
    expect(pulled).toBeLessThanOrEqual(2);
  });

  it('once approved, the vendor proposes and bids; the audit entry says from what to what', async () => {
    const vendor = await register('承認される');
    expect((await bid(vendor.token)).status).toBe(403);
    const approved = await decide(vendor.id, { status: 'approved' });
    expect(approved.status).toBe(200);
    expect(approved.body.vendor).toMatchObject({ qualification: 'approved', qualifiedAt: h.clock.now().toISOString() });
    expect((await bid(vendor.token)).status).toBe(201);
    expect((await upload(vendor.token)).status).toBe(201);
    expect((await h.call('PUT', `/api/cases/${proposalCase}/proposal`, { token: vendor.token, body: { price: 8_000_000 } })).status).toBe(200);
    const entry = (await auditOf(vendor.id)).find((e) => e.action === 'vendor.qualification');
    expect(entry?.details).toMatchObject({ from: 'pending', to: 'approved', reason: null });
    // the same decision again changes nothing and is refused
    expect((await decide(vendor.id, { status: 'approved' })).status).toBe(409);
  });

  it('a rejection needs a reason, is shown to the vendor with it, and stops its bids; it can be reversed', async () => {
    const vendor = await register('不承認になる');
    const bare = await decide(vendor.id, { status: 'rejected' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.map((d: { path: string }) => d.path)).toContain('reason');
    expect((await decide(vendor.id, { status: 'rejected', reason: '   ' })).status).toBe(400);
    expect((await decide(vendor.id, { status: 'approved', note: 'x' })).status).toBe(400);
    expect((await decide(vendor.id, { status: 'pending' })).status).toBe(400);

    const rejected = await decide(vendor.id, { status: 'rejected', reason: '法人番号が確認できません' });
    expect(rejected.status).toBe(200);
    const own = await h.call('GET', `/api/vendors/${vendor.id}`, { token: vendor.token });
    expect(own.body.vendor).toMatchObject({ qualification: 'rejected', qualificationReason: '法人番号が確認できません' });
    const refused = await bid(vendor.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'not_qualified' });
    expect(refused.body.error.message).toContain('法人番号が確認できません');
    const entry = (await auditOf(vendor.id)).find((e) => e.action === 'vendor.qualification');
    expect(entry?.details).toMatchObject({ from: 'pending', to: 'rejected', reason: '法人番号が確認できません' });

    // the secretariat approves after all: the reason goes, the vendor bids
    expect((await decide(vendor.id, { status: 'approved', reason: '書類で確認しました' })).body.vendor).toMatchObject({ qualification: 'approved', qualificationReason: '書類で確認しました' });
    expect((await bid(vendor.token)).status).toBe(201);
  });

  it('is decided by the secretariat of the vendor’s consortium only', async () => {
    const vendor = await register('他の協議会');
    expect((await decide(vendor.id, { status: 'approved' }, b.secretariat)).status).toBe(404);
    expect((await decide(vendor.id, { status: 'approved' }, vendor.token)).status).toBe(403);
    expect((await decide(vendor.id, { status: 'approved' }, a.member)).status).toBe(403);
    expect((await h.call('GET', `/api/vendors/${vendor.id}`, { token: a.secretariat })).body.vendor.qualification).toBe('pending');
  });
});

describe('法人番号 (corporate number)', () => {
  it('is unique within a consortium: a second registration or creation with it is 409 duplicate_corporate_number', async () => {
    await register('先に登録', '7000012050002');
    nextRegistration();
    const again = await h.call('POST', '/api/vendors/register', {
      body: { consortiumId: a.consortiumId, companyName: '後から登録', corporateNumber: '7000012050002', email: 'copy@qual.example', name: '担当', password: PASSWORD },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_corporate_number');
    // nothing of the refused registration remains: its address is free
    expect((await h.call('POST', '/api/auth/login', { body: { email: 'copy@qual.example', password: PASSWORD } })).status).toBe(401);
    const created = await h.call('POST', '/api/vendors', { token: a.secretariat, body: { name: '事務局の重複', corporateNumber: '7000012050002' } });
    expect(created.status).toBe(409);
    expect(created.body.error.code).toBe('duplicate_corporate_number');
    // another consortium has its own register
    expect((await h.call('POST', '/api/vendors', { token: b.secretariat, body: { name: '別の協議会の事業者', corporateNumber: '7000012050002' } })).status).toBe(201);
  });

  it('holds when two registrations with one number arrive at once', async () => {
    const attempt = (n: number) =>
      h.call('POST', '/api/vendors/register', {
        body: { consortiumId: a.consortiumId, companyName: `同時登録${n}`, corporateNumber: '4010001234567', email: `race${n}@qual.example`, name: '担当', password: PASSWORD },
      });
    nextRegistration();
    const results = await Promise.all([attempt(1), attempt(2)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('duplicate_corporate_number');
    const list = await h.call('GET', '/api/vendors', { token: a.secretariat });
    expect(list.body.vendors.filter((v: { corporateNumber: string }) => v.corporateNumber === '4010001234567')).toHaveLength(1);
  });

  it('must carry its check digit: a wrong one is 400', async () => {
    const res = await h.call('POST', '/api/vendors/register', {
      body: { consortiumId: a.consortiumId, companyName: '検査数字違い', corporateNumber: '7000012050003', email: 'cd@qual.example', name: '担当', password: PASSWORD },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'corporateNumber', message: '法人番号の検査数字が正しくありません' });
    expect((await h.call('POST', '/api/vendors', { token: a.secretariat, body: { name: 'x', corporateNumber: '700001205000' } })).status).toBe(400);
  });
});

describe('the qualified list (入札参加資格者名簿) as CSV', () => {
  const importCsv = (bytes: Uint8Array, type = 'text/csv', token = a.secretariat) => h.call('POST', '/api/vendors/import', { token, body: bytes, headers: { 'content-type': type } });

  it('approves a registered vendor whose 法人番号 is listed (its name unchanged) and creates the new ones approved', async () => {
    const waiting = await register('名簿で承認', '6123456789013');
    expect(waiting.body.vendor.qualification).toBe('pending');
    const before = (await h.call('GET', '/api/vendors', { token: a.secretariat })).body.vendors.length;
    const csv = `\uFEFF登録番号,商号又は名称,法人番号,所在地\r\n1,名簿上の別名,${waiting.body.vendor.corporateNumber},熊本市\r\n2,名簿から新規株式会社,8900000000001,八代市\r\n`;
    const res = await importCsv(utf8(csv));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ created: 1, approved: 1, unchanged: 0, errors: [] });
    const list = (await h.call('GET', '/api/vendors', { token: a.secretariat })).body.vendors as { id: string; name: string; corporateNumber: string; qualification: string }[];
    expect(list).toHaveLength(before + 1);
    expect(list.find((v) => v.id === waiting.id)).toMatchObject({ name: '名簿で承認株式会社', qualification: 'approved' });
    expect(list.find((v) => v.corporateNumber === '8900000000001')).toMatchObject({ name: '名簿から新規株式会社', qualification: 'approved' });
    expect((await bid(waiting.token)).status).toBe(201);
    const log = await h.call('GET', '/api/audit?limit=1000', { token: a.secretariat });
    expect(log.body.entries.find((e: { action: string }) => e.action === 'vendor.import').details).toMatchObject({ created: 1, approved: 1, approvedFrom: [{ vendorId: waiting.id, from: 'pending' }] });

    // the same list again: everyone is already approved
    expect((await importCsv(utf8(csv))).body).toEqual({ created: 0, approved: 0, unchanged: 2, errors: [] });
  });

  it('reads Shift_JIS with an English header', async () => {
    const res = await importCsv(new Uint8Array(iconv.encode('name,corporate_number\r\n㈱シフトJIS,9234567890123\r\n', 'cp932')), 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ created: 1, approved: 0, unchanged: 0, errors: [] });
    const list = (await h.call('GET', '/api/vendors', { token: a.secretariat })).body.vendors as { name: string; corporateNumber: string }[];
    expect(list.find((v) => v.corporateNumber === '9234567890123')?.name).toBe('㈱シフトJIS');
  });

  it('imports nothing from a file with a bad row, and reports every bad row with its line number', async () => {
    const pending = await register('取込失敗で審査中のまま', '8123456789011');
    const before = (await h.call('GET', '/api/vendors', { token: a.secretariat })).body.vendors;
    const csv = ['商号,法人番号', `良い行,${pending.body.vendor.corporateNumber}`, '新しい会社,4123456789015', '悪い行,7000012050003', ',8900000000001', '短い,123'].join('\n');
    const res = await importCsv(utf8(csv));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.created).toBe(0);
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([4, 5, 6]);
    expect((await h.call('GET', '/api/vendors', { token: a.secretariat })).body.vendors).toEqual(before);
  });

  it('takes CSV only, from the secretariat only', async () => {
    expect((await h.call('POST', '/api/vendors/import', { token: a.secretariat, body: { rows: [] } })).status).toBe(415);
    expect((await importCsv(utf8('商号,法人番号\nx,7000012050002\n'), 'text/csv', a.vendor)).status).toBe(403);
    expect((await importCsv(utf8('商号,法人番号\nx,7000012050002\n'), 'text/csv', a.member)).status).toBe(403);
  });
});

describe('registration from one client address', () => {
  const attempt = (n: number) =>
    h.call('POST', '/api/vendors/register', { body: { consortiumId: a.consortiumId, companyName: `連続登録${n}`, email: `burst${n}@qual.example`, name: '担当', password: PASSWORD } });

  it('is held after ten in an hour (429 rate_limited, Retry-After, the wait in Japanese) on the API and the page, and goes on an hour later', async () => {
    h.clock.advance(2 * 3_600_000);
    for (let n = 0; n < 10; n++) expect((await attempt(n)).status).toBe(201);
    const held = await attempt(10);
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('rate_limited');
    expect(held.headers.get('retry-after')).toBe('3600');
    expect(held.body.error.message).toContain('60 分ほど待ってから');
    // nothing was created for it
    expect((await h.call('POST', '/api/auth/login', { body: { email: 'burst10@qual.example', password: PASSWORD } })).status).toBe(401);

    const page = await h.form('', '/register', [
      ['consortiumId', a.consortiumId],
      ['companyName', '画面から連続登録'],
      ['corporateNumber', ''],
      ['name', '担当'],
      ['email', 'burst-page@qual.example'],
      ['password', PASSWORD],
    ]);
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('3600');
    expect(page.text).toContain('分ほど待ってから');
    expect(page.text).toContain('value="画面から連続登録"');

    // a body that is not a registration is answered for what it is, and is not counted
    expect((await h.call('POST', '/api/vendors/register', { body: { consortiumId: a.consortiumId } })).status).toBe(400);
    h.clock.advance(3_600_000);
    expect((await attempt(11)).status).toBe(201);
  });
});

describe('pages', () => {
  it('tell a vendor that is not approved why it cannot submit, instead of showing a form that would be refused', async () => {
    const vendor = await register('画面審査中');
    const cookie = await h.cookieFor(vendor.email);
    const submit = await h.page(cookie, `/cases/${proposalCase}/submit`);
    expect(submit.status).toBe(200);
    expect(submit.text).toContain('入札参加資格: 審査中');
    expect(submit.text).not.toContain(`action="/cases/${proposalCase}/submit/upload"`);
    expect(submit.text).not.toContain(`action="/cases/${proposalCase}/submit/price"`);
    const bidPage = await h.page(cookie, `/cases/${bidCase}/bid`);
    expect(bidPage.text).toContain('入札参加資格: 審査中');
    expect(bidPage.text).not.toContain(`action="/cases/${bidCase}/bid"`);
    expect((await h.page(cookie, '/cases')).text).toContain('入札参加資格: 審査中');
    // a form posted anyway is refused with the reason
    const price = await h.form(cookie, `/cases/${proposalCase}/submit/price`, { price: '1000' });
    expect(price.status).toBe(403);
    expect(price.text).toContain('審査中');

    await decide(vendor.id, { status: 'rejected', reason: '所在地が確認できません' });
    const rejected = await h.page(cookie, `/cases/${bidCase}/bid`);
    expect(rejected.text).toContain('入札参加資格: 不承認');
    expect(rejected.text).toContain('所在地が確認できません');

    const approved = await h.page(await h.cookieFor('vendor-qa@test.example'), `/cases/${proposalCase}/submit`);
    expect(approved.text).toContain(`action="/cases/${proposalCase}/submit/upload"`);
    expect(approved.text).not.toContain('入札参加資格:');
  });

  it('let the secretariat see the vendors, those waiting first, and approve or reject one after confirming', async () => {
    const waiting = await register('画面で承認');
    const sec = await h.cookieFor('sec-qa@test.example');
    const list = await h.page(sec, '/vendors');
    expect(list.status).toBe(200);
    expect(list.text).toContain('href="/vendors"');
    expect(list.text.indexOf('画面で承認株式会社')).toBeGreaterThan(0);
    expect(list.text.indexOf('画面で承認株式会社')).toBeLessThan(list.text.indexOf('qa事業者1'));
    expect(list.text).toContain(`action="/vendors/${waiting.id}/qualification"`);
    expect(list.text).toContain('value="approved"');
    expect(list.text).toContain('value="rejected"');
    expect(list.text).toContain('action="/vendors/import"');

    const standing = async () => (await h.call('GET', `/api/vendors/${waiting.id}`, { token: a.secretariat })).body.vendor;
    const ask = await h.form(sec, `/vendors/${waiting.id}/qualification`, { status: 'approved', reason: '' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('入札参加資格の決定の確認');
    expect(ask.text).toContain('name="confirmed"');
    expect((await standing()).qualification).toBe('pending');
    const approved = await h.form(sec, `/vendors/${waiting.id}/qualification`, { status: 'approved', reason: '', confirmed: '1' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe('/vendors?done=approved');
    expect((await standing()).qualification).toBe('approved');

    const bare = await h.form(sec, `/vendors/${waiting.id}/qualification`, { status: 'rejected', reason: ' ' });
    expect(bare.status).toBe(400);
    expect(bare.text).toContain('不承認にする理由を入力してください');
    const askReject = await h.form(sec, `/vendors/${waiting.id}/qualification`, { status: 'rejected', reason: '<b>資格の取消し</b>' });
    expect(askReject.status).toBe(200);
    expect(askReject.text).toContain('&lt;b&gt;資格の取消し&lt;/b&gt;');
    const rejected = await h.form(sec, `/vendors/${waiting.id}/qualification`, { status: 'rejected', reason: '<b>資格の取消し</b>', confirmed: '1' });
    expect(rejected.status).toBe(303);
    expect(await standing()).toMatchObject({ qualification: 'rejected', qualificationReason: '<b>資格の取消し</b>' });

    expect((await h.page(await h.cookieFor('member-qa@test.example'), '/vendors')).status).toBe(403);
  });

  it('offer only approved vendors on the secretariat’s paper-bid form', async () => {
    const waiting = await register('紙入札待ち');
    const page = await h.page(await h.cookieFor('sec-qa@test.example'), `/cases/${bidCase}/bidding`);
    expect(page.status).toBe(200);
    const select = /<select id="paper-vendor"[\s\S]*?<\/select>/.exec(page.text)?.[0] ?? '';
    expect(select).toContain(`value="${a.vendorId}"`);
    expect(select).not.toContain(waiting.id);
  });

  it('let the secretariat import the qualified list from a file', async () => {
    const sec = await h.cookieFor('sec-qa@test.example');
    const send = (csv: string) => {
      const { body, contentType } = multipartBody('名簿.csv', utf8(csv), 'file', 'text/csv');
      return h.call('POST', '/vendors/import', { headers: { cookie: sec, origin: SITE_ORIGIN, 'content-type': contentType }, body });
    };
    const ok = await send('商号,法人番号\n画面から取込株式会社,3456789012345\n');
    // Post/Redirect/Get: the counts are shown on a GET, which a reload repeats without importing again
    expect(ok.status).toBe(303);
    expect((await h.page(sec, ok.headers.get('location')!)).text).toContain('名簿を取り込みました（新規登録 1 社');
    const bad = await send('商号,法人番号\n桁不足,123\n');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('1件も取り込んでいません');
    expect(bad.text).toContain('13桁の数字にしてください');
  });
});
