import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let sec: string;
let caseId: string;
/** the tenant's two bodies and three more: five in all */
let bodies: { id: string; name: string }[];

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'pp');
  bodies = [
    { id: a.memberIds[0]!, name: 'pp市' },
    { id: a.memberIds[1]!, name: 'pp村' },
  ];
  for (const name of ['甲町', '乙町', '丙村']) {
    const m = await h.call('POST', '/api/members', { token: a.secretariat, body: { name, kind: name.endsWith('村') ? 'village' : 'town', population: 2000 } });
    expect(m.status, m.text).toBe(201);
    bodies.push({ id: m.body.member.id, name });
  }
  sec = await h.cookieFor('sec-pp@test.example', PASSWORD);
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '電子図書館', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
  expect(created.status, created.text).toBe(201);
  caseId = created.body.case.id;
});
afterAll(() => h.close());

const caseOf = async () => (await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case;
const participants = async () => (await h.call('GET', `/api/cases/${caseId}/participants`, { token: a.secretariat })).body.participants as { memberId: string; participating: boolean; options: Record<string, boolean | number> }[];

describe('the options form', () => {
  it('adds blank rows without saving when 「行を追加」 is posted without a script', async () => {
    const res = await h.form(sec, `/cases/${caseId}/options`, [
      ['name', '遠隔バックアップ'], ['kind', 'yesno'], ['price', '120000'], ['code', ''],
      ['name', ''], ['kind', 'yesno'], ['price', ''], ['code', ''],
      ['blanks', '3'], ['addRows', '1'],
    ]);
    expect(res.status).toBe(200);
    // the row typed so far comes back, followed by six blank rows; nothing is saved
    expect(res.text).toContain('value="遠隔バックアップ"');
    expect(res.text).toContain('aria-label="7行目のオプション名"');
    expect(res.text).not.toContain('aria-label="8行目のオプション名"');
    expect((await caseOf()).options).toEqual([]);
  });

  it('saves each option with its kind, a code generated where none is typed, and a price typed in full-width digits', async () => {
    const res = await h.form(sec, `/cases/${caseId}/options`, [
      ['name', '遠隔バックアップ'], ['kind', 'yesno'], ['price', '１２０，０００円'], ['code', ''],
      ['name', '追加利用者ID'], ['kind', 'quantity'], ['price', '1,000'], ['code', 'ids'],
      ['name', '利用者研修'], ['kind', 'yesno'], ['price', ''], ['code', ''],
      ['name', ''], ['kind', 'yesno'], ['price', ''], ['code', ''],
    ]);
    expect(res.status, res.text).toBe(303);
    expect(res.headers.get('location')).toBe(`/cases/${caseId}?done=options#main`);
    expect((await caseOf()).options).toEqual([
      { code: 'opt-1', name: '遠隔バックアップ', kind: 'yesno', price: 120_000 },
      { code: 'ids', name: '追加利用者ID', kind: 'quantity', price: 1_000 },
      { code: 'opt-2', name: '利用者研修', kind: 'yesno', price: null },
    ]);
  });

  it('names the row of a mistyped price and keeps what was typed', async () => {
    const res = await h.form(sec, `/cases/${caseId}/options`, [
      ['name', '遠隔バックアップ'], ['kind', 'yesno'], ['price', '12万'], ['code', 'opt-1'],
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('「遠隔バックアップ」の単価は円単位の整数で入力してください');
    expect(res.text).toContain('value="12万"');
    expect((await caseOf()).options).toHaveLength(3);
  });
});

describe('a body’s participation form', () => {
  it('shows a tick box for a yes/no option and a count for a quantity, never both', async () => {
    const page = await h.page(sec, `/cases/${caseId}/participation?member=${bodies[0]!.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<input type="checkbox" name="opt_opt-1"[^>]*aria-label="遠隔バックアップを利用する"/);
    expect(page.text).not.toContain('name="qty_opt-1"');
    expect(page.text).toMatch(/<input type="text" class="qty" name="qty_ids"/);
    expect(page.text).not.toContain('name="opt_ids"');
  });

  it('charges a yes/no option only when its box is ticked: a count sent for it is not read', async () => {
    const res = await h.form(sec, `/cases/${caseId}/participation`, { member: bodies[0]!.id, participating: 'on', qty_opt_1: '3', 'qty_opt-1': '3', qty_ids: '５' });
    expect(res.status, res.text).toBe(303);
    const mine = (await participants()).find((p) => p.memberId === bodies[0]!.id)!;
    expect(mine.options).toEqual({ 'opt-1': false, ids: 5, 'opt-2': false });
    await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token: a.secretariat, body: { method: 'equal', total: 1_000_000 } });
    const shares = await h.call('GET', `/api/cases/${caseId}/apportionment`, { token: a.secretariat });
    expect(shares.body.shares.find((s: { memberId: string }) => s.memberId === bodies[0]!.id)).toMatchObject({ optionCharges: 5_000 });
  });

  it('refuses a count that is not a whole number, naming the option', async () => {
    const res = await h.form(sec, `/cases/${caseId}/participation`, { member: bodies[0]!.id, participating: 'on', qty_ids: '2.5' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('「追加利用者ID」の数量は0以上の整数で入力してください');
  });

  it('asks for a confirmation before a withdrawal that erases options, and withdraws only once confirmed', async () => {
    await h.form(sec, `/cases/${caseId}/participation`, { member: bodies[0]!.id, participating: 'on', 'opt_opt-1': 'on', qty_ids: '2' });
    const ask = await h.form(sec, `/cases/${caseId}/participation`, { member: bodies[0]!.id, 'opt_opt-1': 'on', qty_ids: '2' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('参加の取りやめの確認');
    expect(ask.text).toContain('消去されるオプション: 遠隔バックアップ、追加利用者ID 2');
    expect(ask.text).toContain('<input type="hidden" name="confirmWithdrawal" value="1"/>');
    expect((await participants()).find((p) => p.memberId === bodies[0]!.id)).toMatchObject({ participating: true, options: { 'opt-1': true, ids: 2 } });

    const done = await h.form(sec, `/cases/${caseId}/participation`, { member: bodies[0]!.id, 'opt_opt-1': 'on', qty_ids: '2', confirmWithdrawal: '1' });
    expect(done.status).toBe(303);
    expect((await participants()).find((p) => p.memberId === bodies[0]!.id)).toMatchObject({ participating: false, options: {} });
  });

  it('refuses options ticked for a body that is not joining, rather than dropping them silently', async () => {
    const res = await h.form(sec, `/cases/${caseId}/participation`, { member: bodies[1]!.id, 'opt_opt-1': 'on' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('オプションを申し込むには「この調達に参加する」にも印を付けてください');
  });
});

describe('the member grid', () => {
  const grid = (rows: { id: string; on?: boolean; backup?: boolean; ids?: string }[], extra: [string, string][] = []): [string, string][] => [
    ...rows.flatMap((r): [string, string][] => [
      ['m', r.id],
      ...(r.on ? [[`p_${r.id}`, 'on'] as [string, string]] : []),
      ...(r.backup ? [[`o_${r.id}_opt-1`, 'on'] as [string, string]] : []),
      [`o_${r.id}_ids`, r.ids ?? ''],
    ]),
    ...extra,
  ];

  it('lists every body with one control per option', async () => {
    const page = await h.page(sec, `/cases/${caseId}/participation/bulk`);
    expect(page.status).toBe(200);
    for (const b of bodies) expect(page.text).toContain(`aria-label="${b.name}が参加する"`);
    expect(page.text).toContain(`aria-label="甲町の遠隔バックアップを利用する"`);
    expect(page.text).toContain(`aria-label="甲町の追加利用者IDの数量"`);
  });

  it('declares five bodies in one save, with an audit entry for each and one for the whole', async () => {
    const res = await h.form(sec, `/cases/${caseId}/participation/bulk`, grid(bodies.map((b, i) => ({ id: b.id, on: true, backup: i % 2 === 0, ids: i === 1 ? '10' : '' }))));
    expect(res.status, res.text).toBe(303);
    expect(res.headers.get('location')).toBe(`/cases/${caseId}/participation/bulk?saved=5`);
    const list = await participants();
    expect(list.filter((p) => p.participating)).toHaveLength(5);
    expect(list.find((p) => p.memberId === bodies[1]!.id)!.options).toEqual({ 'opt-1': false, ids: 10, 'opt-2': false });
    const audit = await h.call('GET', `/api/audit?caseId=${caseId}`, { token: a.secretariat });
    const actions = (audit.body.entries as { action: string }[]).map((e) => e.action);
    expect(actions.filter((x) => x === 'participant.bulk')).toHaveLength(1);
    expect(actions.filter((x) => x === 'participant.join').length).toBeGreaterThanOrEqual(5);
    const shown = await h.page(sec, `/cases/${caseId}/participation/bulk?saved=5`);
    expect(shown.text).toContain('5団体の参加・オプションを保存しました。');
  });

  it('names the body and the field of every problem, and saves nothing', async () => {
    const before = await participants();
    const res = await h.form(sec, `/cases/${caseId}/participation/bulk`, grid(bodies.map((b, i) => ({ id: b.id, on: true, ids: i === 2 ? 'たくさん' : i === 4 ? '-1' : '1' }))));
    expect(res.status).toBe(400);
    expect(res.text).toContain('甲町: 「追加利用者ID」の数量は0以上の整数で入力してください');
    expect(res.text).toContain('丙村: 「追加利用者ID」の数量は0以上の整数で入力してください');
    expect(res.text).toContain('value="たくさん"');
    expect(await participants()).toEqual(before);
  });

  it('confirms before withdrawing bodies whose options would be erased', async () => {
    const rows = bodies.map((b, i) => ({ id: b.id, on: i !== 0, backup: i % 2 === 0, ids: i === 1 ? '10' : '' }));
    const ask = await h.form(sec, `/cases/${caseId}/participation/bulk`, grid(rows));
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('参加の取りやめの確認');
    expect(ask.text).toContain('<strong>pp市</strong>（消去されるオプション: 遠隔バックアップ）');
    expect((await participants()).find((p) => p.memberId === bodies[0]!.id)!.participating).toBe(true);
    const done = await h.form(sec, `/cases/${caseId}/participation/bulk`, grid(rows, [['confirmWithdrawal', '1']]));
    expect(done.status).toBe(303);
    // only the body that changed is written
    expect(done.headers.get('location')).toBe(`/cases/${caseId}/participation/bulk?saved=1`);
    expect((await participants()).find((p) => p.memberId === bodies[0]!.id)).toMatchObject({ participating: false, options: {} });
  });

  it('is the secretariat’s alone', async () => {
    const member = await h.cookieFor('member-pp@test.example', PASSWORD);
    expect((await h.page(member, `/cases/${caseId}/participation/bulk`)).status).toBe(403);
  });
});

describe('codes generated from names', () => {
  it('gives API options without a code or kind a generated code and the quantity kind', async () => {
    const res = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: 'x', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, options: [{ name: '追加ID', price: 100 }, { code: 'opt-1', name: '研修' }] } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.case.options).toEqual([
      { code: 'opt-2', name: '追加ID', kind: 'quantity', price: 100 },
      { code: 'opt-1', name: '研修', kind: 'quantity' },
    ]);
  });

  it('generates survey candidate codes, also from a line that gives only a name', async () => {
    const res = await h.form(sec, '/surveys', { title: '来年度の共同調達候補', candidates: '文書管理システム\r\nweb,ウェブ会議\r\n電子申請', points: '2,1', threshold: '0.25' });
    expect(res.status, res.text).toBe(303);
    const id = res.headers.get('location')!.split('/').pop()!;
    const survey = await h.call('GET', `/api/surveys/${id}`, { token: a.secretariat });
    expect(survey.body.survey.candidates.map((c: { code: string; name: string }) => [c.code, c.name])).toEqual([
      ['C1', '文書管理システム'],
      ['web', 'ウェブ会議'],
      ['C2', '電子申請'],
    ]);
  });

  it('generates RFI question codes', async () => {
    const res = await h.call('PUT', `/api/cases/${caseId}/rfi`, {
      token: a.secretariat,
      body: { deadline: '2026-12-10T17:00:00+09:00', questions: [{ text: '導入実績は', kind: 'text' }, { code: '', text: '概算費用は', kind: 'price' }] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.rfi.questions.map((q: { code: string }) => q.code)).toEqual(['q-1', 'q-2']);
  });
});
