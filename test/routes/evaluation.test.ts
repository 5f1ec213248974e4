import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';

let h: Harness;
let a: Tenant;
let caseId: string;
const ev: Record<string, { id: string; token: string }> = {};
let vendorX: string;
let vendorY: string;
let fileOfY: string;
/** what the evaluators call X and Y: the aliases from their list, since the evaluation is anonymised */
let refX: string;
let refY: string;

const criteria = [
  { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 40, mode: 'points', guidance: '必須機能と追加機能の網羅性' },
  { code: 'ops', group: '技術提案', name: '運用・保守体制', maxPoints: 30, mode: 'grade' },
  { code: 'lgwan', group: '必須要件', name: 'LGWAN環境での利用', maxPoints: 0, mode: 'pass_fail' },
  { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
];

async function relogin() {
  a.secretariat = await h.login('sec-ev@test.example');
  a.evaluator = await h.login('eval-ev@test.example');
  for (const name of Object.keys(ev)) ev[name]!.token = await h.login(`${name}@test.example`);
}

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'ev');
  for (const name of ['iinA', 'iinB', 'iinC', 'iinD']) {
    const u = await h.call('POST', '/api/users', { token: a.secretariat, body: { email: `${name}@test.example`, name: `委員${name.slice(-1)}`, role: 'evaluator', password: PASSWORD } });
    ev[name] = { id: u.body.user.id, token: await h.login(`${name}@test.example`) };
  }
  const created = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: '文書管理システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' },
  });
  caseId = created.body.case.id;
  await putSpec(h, a.secretariat, caseId);
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
  // two proposals: X (8,000,000 yen) then Y (10,000,000 yen, with a file named after the company)
  vendorX = a.vendorId;
  vendorY = a.otherVendorId;
  await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.vendor, body: { price: 8_000_000 } });
  h.clock.advance(60_000);
  const { body, contentType } = multipartBody('株式会社ワイ_技術提案書.pdf', pdfBytes(2000));
  fileOfY = (await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.otherVendor, body, headers: { 'content-type': contentType } })).body.file.id;
  await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.otherVendor, body: { price: 10_000_000 } });
  const set = await h.call('PUT', `/api/cases/${caseId}/evaluation`, {
    token: a.secretariat,
    body: { criteria, aggregation: 'average', passRatio: 0.6, evaluatorIds: [ev.iinA!.id, ev.iinB!.id, ev.iinC!.id, ev.iinD!.id], anonymize: true, reason: '評価基準を定めます。' },
  });
  expect(set.status, set.text).toBe(200);
  h.clock.set('2026-04-14T10:00:00.000+09:00');
  await relogin();
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'evaluation' } });
});
afterAll(() => h.close());

const sheetPath = (ref: string) => `/api/cases/${caseId}/evaluation/sheets/${ref}`;
const save = (who: string, ref: string, scores: Record<string, unknown>, version?: number) =>
  h.call('PUT', sheetPath(ref), { token: ev[who]!.token, body: { scores, ...(version === undefined ? {} : { version }) } });
const submit = (who: string, ref: string) => h.call('POST', `${sheetPath(ref)}/submit`, { token: ev[who]!.token });

describe('before the declaration of no conflict', () => {
  it('shows an evaluator nothing: no proposals, no sheet, no file', async () => {
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation/proposals`, { token: ev.iinA!.token })).status).toBe(403);
    expect((await h.call('GET', sheetPath(vendorX), { token: ev.iinA!.token })).status).toBe(403);
    expect((await save('iinA', vendorX, { func: 10 })).status).toBe(403);
    expect((await h.call('GET', `/api/files/${fileOfY}`, { token: ev.iinA!.token })).status).toBe(404);
  });

  it('keeps evaluators outside the committee out altogether', async () => {
    expect((await h.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token: a.evaluator, body: { conflict: false } })).status).toBe(404);
  });
});

describe('the committee at work', () => {
  it('shows cleared evaluators the proposals under letters, files renamed too', async () => {
    for (const who of ['iinA', 'iinB', 'iinC']) {
      expect((await h.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token: ev[who]!.token, body: { conflict: false } })).status).toBe(200);
    }
    const declared = await h.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token: ev.iinD!.token, body: { conflict: true, note: '提案者の役員と親族関係' } });
    expect(declared.body.declaration.conflict).toBe(true);
    const list = await h.call('GET', `/api/cases/${caseId}/evaluation/proposals`, { token: ev.iinA!.token });
    expect(list.body.proposals.map((p: { label: string }) => p.label)).toEqual(['提案者A', '提案者B']);
    expect(JSON.stringify(list.body)).not.toMatch(/ev事業者|ワイ/);
    [refX, refY] = list.body.proposals.map((p: { ref: string }) => p.ref);
    expect(list.body.proposals[0]).not.toHaveProperty('vendorId');
    expect(list.body.proposals[0]).not.toHaveProperty('vendorName');
    expect(JSON.stringify(list.body)).not.toContain(vendorX);
    expect(JSON.stringify(list.body)).not.toContain(vendorY);
    // every evaluator of the committee sees the same refs
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation/proposals`, { token: ev.iinB!.token })).body.proposals.map((p: { ref: string }) => p.ref)).toEqual([refX, refY]);
    expect(list.body.proposals[1].files[0].name).toBe('提案者B_提出資料1.pdf');
    const download = await h.call('GET', `/api/files/${fileOfY}`, { token: ev.iinA!.token });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).not.toContain(encodeURIComponent('ワイ'));
    expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('提案者B_提出資料1.pdf'));
    expect((await h.call('GET', `/api/files/${fileOfY}/receipt`, { token: ev.iinA!.token })).status).toBe(404);
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation/proposals`, { token: ev.iinD!.token })).status).toBe(403);
  });

  it('saves drafts with a running total and refuses out-of-range scores', async () => {
    const out = await save('iinA', refX, { func: 41 });
    expect(out.status).toBe(400);
    expect(out.body.error.details[0].path).toBe('scores.func');
    const draft = await save('iinA', refX, { func: 30, ops: 'A' });
    expect(draft.body.sheet).toMatchObject({ status: 'draft', total: 60, version: 1 });
    const own = await h.call('GET', sheetPath(refX), { token: ev.iinA!.token });
    expect(own.body.sheet).toMatchObject({ status: 'draft', scores: { func: 30, ops: 'A' }, total: 60 });
  });

  it('stores nothing when a save of a sheet never stored claims a version: 409 stale_sheet, no row, no audit entry', async () => {
    const saves = async () => (await h.call('GET', `/api/audit?caseId=${caseId}`, { token: a.secretariat })).body.entries.filter((e: { action: string; objectId: string }) => e.action === 'sheet.save' && e.objectId === `${ev.iinC!.id}:${vendorY}`).length;
    const before = await saves();
    const stale = await save('iinC', refY, { func: 12 }, 3);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_sheet');
    const kept = (await h.call('GET', sheetPath(refY), { token: ev.iinC!.token })).body.sheet;
    expect(kept).toMatchObject({ status: 'draft', version: 0, updatedAt: null });
    expect(kept.scores).toEqual({});
    expect(await saves()).toBe(before);
    // the same save against the version the sheet really has (none yet) goes in
    expect((await save('iinC', refY, { func: 12 }, 0)).body.sheet).toMatchObject({ version: 1, scores: { func: 12 } });
    expect(await saves()).toBe(before + 1);
  });

  it('answers 404 to a bare vendor id or any other string in place of a ref while anonymised, repeating neither', async () => {
    const cookie = await h.cookieFor('iinA@test.example');
    for (const wrong of [vendorX, vendorY, refX.slice(0, -1), `${refX}A`, 'no-such-proposal']) {
      const replies = [
        await h.call('GET', sheetPath(wrong), { token: ev.iinA!.token }),
        await save('iinA', wrong, { func: 1 }),
        await save('iinA', wrong, { func: 1 }, 1),
        await submit('iinA', wrong),
        await h.page(cookie, `/cases/${caseId}/evaluate/${wrong}`),
        await h.form(cookie, `/cases/${caseId}/evaluate/${wrong}`, [['version', '0'], ['score_func', '1'], ['action', 'save']]),
      ];
      for (const reply of replies) {
        expect(reply.status, `${wrong}: ${reply.text.slice(0, 200)}`).toBe(404);
        expect(reply.text).not.toContain(wrong);
      }
    }
    // nothing was written under a vendor id
    expect((await h.call('GET', sheetPath(refX), { token: ev.iinA!.token })).body.sheet.scores).toEqual({ func: 30, ops: 'A' });
  });

  it('answers 409 stale_sheet to the second of two tabs saving the same version, keeping the first', async () => {
    const [one, two] = await Promise.all([save('iinB', refX, { func: 28 }, 0), save('iinB', refX, { func: 5 }, 0)]);
    const statuses = [one.status, two.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = one.status === 409 ? one : two;
    const winner = one.status === 200 ? one : two;
    expect(loser.body.error.code).toBe('stale_sheet');
    expect((await h.call('GET', sheetPath(refX), { token: ev.iinB!.token })).body.sheet.scores).toEqual(winner.body.sheet.scores);
  });

  it('refuses to submit an incomplete sheet, then locks a submitted one against any later save', async () => {
    const incomplete = await submit('iinA', refX);
    expect(incomplete.status).toBe(409);
    expect(incomplete.body.error.code).toBe('incomplete_sheet');
    expect(incomplete.body.error.message).toBe('「LGWAN環境での利用」が未評価です');
    await save('iinA', refX, { func: 30, ops: 'A', lgwan: true });
    const done = await submit('iinA', refX);
    expect(done.body.sheet.status).toBe('submitted');
    const late = await save('iinA', refX, { func: 1, ops: 'E', lgwan: false });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('sheet_locked');
    expect((await h.call('GET', sheetPath(refX), { token: ev.iinA!.token })).body.sheet.scores.func).toBe(30);
  });

  it('never loses a submitted sheet when a tab saves while another submits', async () => {
    await save('iinC', refX, { func: 32, ops: 'B', lgwan: true });
    const results = await Promise.all([submit('iinC', refX), save('iinC', refX, { func: 0 })]);
    const sheet = (await h.call('GET', sheetPath(refX), { token: ev.iinC!.token })).body.sheet;
    if (sheet.status === 'submitted') {
      // the submission won: the later save was refused and the submitted scores are intact
      expect(results[1].status).toBe(409);
      expect(sheet.scores).toEqual({ func: 32, ops: 'B', lgwan: true });
    } else {
      // the save won first: the submission then saw an incomplete sheet and was refused
      expect(results[0].status).toBe(409);
      expect(sheet.scores).toEqual({ func: 0 });
      await save('iinC', refX, { func: 32, ops: 'B', lgwan: true });
      expect((await submit('iinC', refX)).status).toBe(200);
    }
  });

  it('reports progress as counts only, to the secretariat only', async () => {
    const progress = await h.call('GET', `/api/cases/${caseId}/evaluation/progress`, { token: a.secretariat });
    expect(progress.body.evaluators.map((e: { name: string; submitted: number; total: number; conflict: boolean }) => [e.name, e.submitted, e.total, e.conflict])).toEqual([
      ['委員A', 1, 2, false],
      ['委員B', 0, 2, false],
      ['委員C', 1, 2, false],
      ['委員D', 0, 0, true],
    ]);
    expect(JSON.stringify(progress.body)).not.toMatch(/scores|func|total":\d+\.\d/);
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation/progress`, { token: ev.iinA!.token })).status).toBe(403);
  });

  it('cannot close with sheets outstanding, and has no results before the close', async () => {
    const close = await h.call('POST', `/api/cases/${caseId}/evaluation/close`, { token: a.secretariat });
    expect(close.status).toBe(409);
    expect(close.body.error.code).toBe('sheets_outstanding');
    expect(close.body.error.details.map((d: { name: string }) => d.name)).toEqual(['委員A', '委員B', '委員C']);
    const results = await h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token: a.secretariat });
    expect(results.status).toBe(409);
    expect(results.body.error.code).toBe('evaluation_open');
  });

  it('lets the secretariat reopen a sheet with a recorded reason, and freezes the rules once sheets are in', async () => {
    const reopen = await h.call('POST', `${sheetPath(vendorX)}/reopen`, { token: a.secretariat, body: { evaluatorId: ev.iinA!.id, reason: '運用体制の評価の記入漏れの確認' } });
    expect(reopen.status).toBe(200);
    expect((await h.call('GET', sheetPath(refX), { token: ev.iinA!.token })).body.sheet.status).toBe('draft');
    const log = await h.call('GET', `/api/audit?caseId=${caseId}`, { token: a.secretariat });
    expect(log.body.entries.find((e: { action: string }) => e.action === 'sheet.reopen').details.reason).toBe('運用体制の評価の記入漏れの確認');
    // no audit entry carries a score
    expect(JSON.stringify(log.body.entries.filter((e: { action: string }) => e.action.startsWith('sheet.')))).not.toMatch(/"func"|"ops"/);
    expect((await submit('iinA', refX)).status).toBe(200);
    const change = await h.call('PUT', `/api/cases/${caseId}/evaluation`, { token: a.secretariat, body: { criteria, aggregation: 'sum', evaluatorIds: [ev.iinA!.id] } });
    expect(change.status).toBe(409);
    expect(change.body.error.code).toBe('evaluation_started');
  });

  it('closes when every cleared evaluator has submitted every sheet, and ranks as computed by hand', async () => {
    // X: A 60, B (28+B) 50.5, C 54.5 → 55 + price 30 = 85; Y: A 66, B 65, C 56.5 → 62.5 + 24 = 86.5
    await save('iinB', refX, { func: 28, ops: 'B', lgwan: true }, (await h.call('GET', sheetPath(refX), { token: ev.iinB!.token })).body.sheet.version);
    expect((await submit('iinB', refX)).status).toBe(200);
    for (const [who, func, ops] of [['iinA', 36, 'A'], ['iinB', 35, 'A'], ['iinC', 34, 'B']] as const) {
      await save(who, refY, { func, ops, lgwan: true });
      expect((await submit(who, refY)).status).toBe(200);
    }
    // two closes at once: one closes, the other finds it closed; one audit entry
    const closes = await Promise.all([0, 1].map(() => h.call('POST', `/api/cases/${caseId}/evaluation/close`, { token: a.secretariat })));
    expect(closes.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(closes.find((r) => r.status === 409)!.body.error.code).toBe('evaluation_closed');
    const log = await h.call('GET', `/api/audit?caseId=${caseId}`, { token: a.secretariat });
    expect(log.body.entries.filter((e: { action: string }) => e.action === 'evaluation.close')).toHaveLength(1);
    // nothing changes a sheet after the close
    const reopen = await h.call('POST', `${sheetPath(vendorX)}/reopen`, { token: a.secretariat, body: { evaluatorId: ev.iinA!.id, reason: '締切後の差し戻し' } });
    expect(reopen.body.error.code).toBe('evaluation_closed');
    const results = await h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token: a.secretariat });
    expect(results.body.ranking.map((r: { vendorName: string; rank: number; technical: number; price: number; total: number; passed: boolean; tie: boolean }) => [r.vendorName, r.rank, r.technical, r.price, r.total, r.passed, r.tie])).toEqual([
      ['ev事業者2', 1, 62.5, 24, 86.5, true, false],
      ['ev事業者1', 2, 55, 30, 85, true, false],
    ]);
    expect(results.body).toMatchObject({ preferred: vendorY, runnerUp: vendorX, evaluatorCount: 3 });
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token: ev.iinA!.token })).status).toBe(403);
    const csv = await h.call('GET', `/api/cases/${caseId}/evaluation/results.csv`, { token: a.secretariat });
    expect(csv.text).toContain('1,ev事業者2,62.5,24,86.5,合格,,66,65,56.5\r\n');
    expect(csv.text).toContain('集計方法,評価委員の平均\r\n');
    expect((await save('iinA', refY, { func: 1 })).body.error.code).toBe('evaluation_closed');
  });
});

describe('refs across cases, and without anonymisation', () => {
  let anonymised: string;
  let named: string;

  beforeAll(async () => {
    // two more cases with X's proposal before the same evaluator: one anonymised, one not
    h.clock.set('2026-04-20T10:00:00.000+09:00');
    await relogin();
    const vendor = await h.login('vendor-ev@test.example');
    const make = async (title: string, anonymize: boolean) => {
      const id = (await h.call('POST', '/api/cases', { token: a.secretariat, body: { title, method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-25T17:00:00.000+09:00' } })).body.case.id as string;
      await putSpec(h, a.secretariat, id);
      await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } });
      expect((await h.call('PUT', `/api/cases/${id}/proposal`, { token: vendor, body: { price: 7_000_000 } })).status).toBe(200);
      expect((await h.call('PUT', `/api/cases/${id}/evaluation`, { token: a.secretariat, body: { criteria, aggregation: 'average', evaluatorIds: [ev.iinA!.id], anonymize, reason: '評価基準を定めます。' } })).status).toBe(200);
      return id;
    };
    anonymised = await make('文書管理システム（第2期）', true);
    named = await make('電子申請システム', false);
    h.clock.set('2026-04-27T10:00:00.000+09:00');
    await relogin();
    for (const id of [anonymised, named]) {
      await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'evaluation' } });
      expect((await h.call('POST', `/api/cases/${id}/evaluation/coi`, { token: ev.iinA!.token, body: { conflict: false } })).status).toBe(200);
    }
  });

  const listOf = async (id: string) => (await h.call('GET', `/api/cases/${id}/evaluation/proposals`, { token: ev.iinA!.token })).body.proposals;

  it('gives one vendor another alias in another case, and a ref of one case is 404 in the other', async () => {
    const [other] = await listOf(anonymised);
    expect(other.label).toBe('提案者A');
    expect(other.ref).not.toBe(refX);
    expect(other.ref).not.toBe(vendorX);
    expect((await h.call('GET', `/api/cases/${anonymised}/evaluation/sheets/${other.ref}`, { token: ev.iinA!.token })).status).toBe(200);
    const crossed = await h.call('GET', `/api/cases/${anonymised}/evaluation/sheets/${refX}`, { token: ev.iinA!.token });
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.code).toBe('not_found');
    expect((await h.call('PUT', `/api/cases/${anonymised}/evaluation/sheets/${refX}`, { token: ev.iinA!.token, body: { scores: { func: 1 } } })).status).toBe(404);
    expect((await h.call('POST', `/api/cases/${anonymised}/evaluation/sheets/${refX}/submit`, { token: ev.iinA!.token })).status).toBe(404);
    expect((await h.call('GET', sheetPath(other.ref), { token: ev.iinA!.token })).status).toBe(404);
    expect((await h.page(await h.cookieFor('iinA@test.example'), `/cases/${anonymised}/evaluate/${refX}`)).status).toBe(404);
  });

  it('uses the vendor id as the ref when the evaluation is not anonymised, and refuses an alias there', async () => {
    const [p] = await listOf(named);
    expect(p).toMatchObject({ ref: vendorX, label: 'ev事業者1', vendorId: vendorX, vendorName: 'ev事業者1', price: 7_000_000, sheetStatus: null });
    const saved = await h.call('PUT', `/api/cases/${named}/evaluation/sheets/${vendorX}`, { token: ev.iinA!.token, body: { scores: { func: 20, ops: 'B', lgwan: true } } });
    expect(saved.status, saved.text).toBe(200);
    expect((await h.call('POST', `/api/cases/${named}/evaluation/sheets/${vendorX}/submit`, { token: ev.iinA!.token })).body.sheet.status).toBe('submitted');
    expect((await listOf(named))[0].sheetStatus).toBe('submitted');
    const page = await h.page(await h.cookieFor('iinA@test.example'), `/cases/${named}/evaluate`);
    expect(page.text).toContain(`href="/cases/${named}/evaluate/${vendorX}"`);
    expect(page.text).toContain('ev事業者1');
    // an alias is no ref where the evaluation is not anonymised
    const [aliased] = await listOf(anonymised);
    expect((await h.call('GET', `/api/cases/${named}/evaluation/sheets/${aliased.ref}`, { token: ev.iinA!.token })).status).toBe(404);
  });
});
