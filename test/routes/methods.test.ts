import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOcdsSchemas, validatePackage } from '../helpers/ocds.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let cookie: string;

const CITATION = '地方自治法施行令第167条の2第1項第2号';
const REASON = '既存システムの著作権を有する事業者以外に改修を行える者がないため';

beforeAll(async () => {
  // the quotes span days of the test clock: sessions outlast them
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'methods');
  cookie = await h.cookieFor('sec-methods@test.example');
});
afterAll(() => h.close());

const create = (body: Record<string, unknown>) =>
  h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '議事録作成支援システム', contractMode: 'bulk', fiscalYear: 2026, ...body } });

const negotiated = async (title = '議事録作成支援システム') => {
  const res = await create({ title, method: 'negotiated', negotiatedGround: '2', negotiatedReason: REASON });
  expect(res.status, res.text).toBe(201);
  return res.body.case.id as string;
};

/** A PDF's text without whitespace (a cell that wraps reads as one run). */
const pdfText = (bytes: Uint8Array) => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], { input: bytes, encoding: 'utf8' }).replace(/\s+/g, '');

const paths = (res: { body: { error: { details?: { path: string }[] } } }) => (res.body.error.details ?? []).map((d) => d.path);

describe('随意契約: the ground and the reason', () => {
  it('are both required, each named when missing or not one of the nine items', async () => {
    const bare = await create({ method: 'negotiated' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('validation_error');
    expect(paths(bare)).toEqual(expect.arrayContaining(['negotiatedGround', 'negotiatedReason']));

    const noReason = await create({ method: 'negotiated', negotiatedGround: '2' });
    expect(noReason.status).toBe(400);
    expect(paths(noReason)).toEqual(['negotiatedReason']);

    const blankReason = await create({ method: 'negotiated', negotiatedGround: '2', negotiatedReason: '   ' });
    expect(blankReason.status).toBe(400);
    expect(paths(blankReason)).toEqual(['negotiatedReason']);

    for (const ground of ['0', '10', 2, '２']) {
      const wrong = await create({ method: 'negotiated', negotiatedGround: ground, negotiatedReason: REASON });
      expect(wrong.status, String(ground)).toBe(400);
      expect(paths(wrong)).toContain('negotiatedGround');
    }
  });

  it('are stored and shown with the citation of the item', async () => {
    const id = await negotiated();
    const got = await h.call('GET', `/api/cases/${id}`, { token: a.member });
    expect(got.body.case).toMatchObject({ method: 'negotiated', state: 'draft', negotiatedGround: '2', negotiatedGroundCitation: CITATION, negotiatedReason: REASON });
    const page = await h.page(cookie, `/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('随意契約');
    expect(page.text).toContain(CITATION);
    expect(page.text).toContain('性質又は目的が競争入札に適しないとき');
    expect(page.text).toContain(REASON);
  });

  it('are refused on any other method, naming the field', async () => {
    for (const method of ['proposal', 'competitive_bid', 'comprehensive', 'quotation']) {
      const ground = await create({ method, negotiatedGround: '1' });
      expect(ground.status, method).toBe(400);
      expect(paths(ground)).toEqual(['negotiatedGround']);
      const reason = await create({ method, negotiatedReason: REASON });
      expect(reason.status, method).toBe(400);
      expect(paths(reason)).toEqual(['negotiatedReason']);
    }
  });

  it('follow the case through PATCH: changed on a 随意契約, refused elsewhere, dropped when the method changes', async () => {
    const id = await negotiated('PATCH の確認');
    const renamed = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { title: 'PATCH の確認（改）' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.case).toMatchObject({ title: 'PATCH の確認（改）', negotiatedGround: '2', negotiatedReason: REASON });

    const moved = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { negotiatedGround: '5', negotiatedReason: '災害により緊急に必要となったため' } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.case).toMatchObject({ negotiatedGround: '5', negotiatedGroundCitation: '地方自治法施行令第167条の2第1項第5号' });

    const blank = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { negotiatedReason: '' } });
    expect(blank.status).toBe(400);
    expect(paths(blank)).toEqual(['negotiatedReason']);

    const toProposal = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { method: 'proposal' } });
    expect(toProposal.status, toProposal.text).toBe(200);
    expect(toProposal.body.case).toMatchObject({ method: 'proposal', negotiatedGround: null, negotiatedReason: null });

    const groundOnProposal = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { negotiatedGround: '2' } });
    expect(groundOnProposal.status).toBe(400);
    expect(paths(groundOnProposal)).toEqual(['negotiatedGround']);

    const backWithout = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { method: 'negotiated' } });
    expect(backWithout.status).toBe(400);
    expect(paths(backWithout)).toEqual(expect.arrayContaining(['negotiatedGround', 'negotiatedReason']));

    const back = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { method: 'negotiated', negotiatedGround: '2', negotiatedReason: REASON } });
    expect(back.status, back.text).toBe(200);
    expect(back.body.case).toMatchObject({ method: 'negotiated', negotiatedGround: '2' });
  });

  it('are chosen on the case form without JavaScript: a labelled list of the nine items and a reason', async () => {
    const list = await h.page(cookie, '/cases');
    expect(list.text).toMatch(/<label for="new-negotiated-ground">/);
    expect(list.text).toMatch(/<select id="new-negotiated-ground" name="negotiatedGround"/);
    for (let item = 1; item <= 9; item++) expect(list.text).toContain(`<option value="${item}">`);
    expect(list.text).toMatch(/<label for="new-negotiated-reason">/);
    expect(list.text).toMatch(/<textarea id="new-negotiated-reason" name="negotiatedReason"/);

    const missing = await h.form(cookie, '/cases', { title: 'フォームの随意契約', method: 'negotiated', contractMode: 'bulk', fiscalYear: '2026', negotiatedGround: '', negotiatedReason: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('随意契約の根拠');

    const made = await h.form(cookie, '/cases', { title: 'フォームの随意契約', method: 'negotiated', contractMode: 'bulk', fiscalYear: '2026', negotiatedGround: '2', negotiatedReason: REASON });
    expect(made.status, made.text).toBe(303);
    const id = made.headers.get('location')!.match(/\/cases\/([^/?]+)/)![1]!;
    const got = await h.call('GET', `/api/cases/${id}`, { token: a.secretariat });
    expect(got.body.case).toMatchObject({ method: 'negotiated', negotiatedGround: '2', negotiatedReason: REASON });

    // another method left with the blank choice is created as before
    const plain = await h.form(cookie, '/cases', { title: 'フォームのプロポーザル', method: 'proposal', contractMode: 'bulk', fiscalYear: '2026', negotiatedGround: '', negotiatedReason: '' });
    expect(plain.status, plain.text).toBe(303);

    const edited = await h.form(cookie, `/cases/${id}/edit`, { title: 'フォームの随意契約', description: '', rfiDeadline: '', submissionDeadline: '', reason: '', negotiatedGround: '6', negotiatedReason: REASON });
    expect(edited.status, edited.text).toBe(303);
    expect((await h.call('GET', `/api/cases/${id}`, { token: a.secretariat })).body.case.negotiatedGround).toBe('6');
  });
});

describe('awarded', () => {
  it('is never reached by a transition: 409 no_award, and the case page offers no such button', async () => {
    const id = await negotiated('決定の記録のみ');
    const refused = await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'awarded' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('no_award');
    expect((await h.call('GET', `/api/cases/${id}`, { token: a.secretariat })).body.case.state).toBe('draft');

    const proposal = await create({ method: 'proposal' });
    const pid = proposal.body.case.id as string;
    await putSpec(h, a.secretariat, pid);
    for (const to of ['open', 'evaluation']) expect((await h.call('POST', `/api/cases/${pid}/transition`, { token: a.secretariat, body: { to } })).status).toBe(200);
    expect((await h.call('POST', `/api/cases/${pid}/transition`, { token: a.secretariat, body: { to: 'awarded' } })).body.error.code).toBe('no_award');
    const page = await h.page(cookie, `/cases/${pid}`);
    expect(page.text).not.toContain('value="awarded"');
    expect(page.text).not.toContain('「決定済み」へ進める');
    const posted = await h.form(cookie, `/cases/${pid}/transition`, { to: 'awarded', confirmed: '1' });
    expect(posted.status).toBe(409);
    expect((await h.call('GET', `/api/cases/${pid}`, { token: a.secretariat })).body.case.state).toBe('evaluation');
  });
});

describe('見積合わせ', () => {
  const OPENING = '2026-07-10T10:00:00.000+09:00';

  async function quotation(title: string) {
    h.clock.set('2026-07-01T09:00:00.000+09:00');
    const created = await create({ title, method: 'quotation' });
    expect(created.status, created.text).toBe(201);
    const id = created.body.case.id as string;
    const set = await h.call('PUT', `/api/cases/${id}/bidding`, {
      token: a.secretariat,
      body: { ceilingPrice: 1_000_000, ceilingPublic: false, deadlineAt: '2026-07-09T17:00:00.000+09:00', openingAt: OPENING, maxRounds: 1 },
    });
    expect(set.status, set.text).toBe(200);
    await putSpec(h, a.secretariat, id);
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
    h.clock.set('2026-07-05T10:00:00.000+09:00');
    return id;
  }
  const quote = (token: string, id: string, amount: number) => h.call('POST', `/api/cases/${id}/bids`, { token, body: { amount, lotNumber: 0 } });

  it('fails with fewer than two quotes that are not declined, saying why', async () => {
    const id = await quotation('消耗品（見積合わせ・1者）');
    expect((await quote(a.vendor, id, 800_000)).status).toBe(201);
    expect((await h.call('POST', `/api/cases/${id}/bids/decline`, { token: a.otherVendor })).status).toBe(201);
    h.clock.set(OPENING);
    const opened = await h.call('POST', `/api/cases/${id}/bids/open`, { token: a.secretariat });
    expect(opened.status, opened.text).toBe(200);
    expect(opened.body.outcome).toBe('failed');
    expect(opened.body.winner).toBeUndefined();
    expect(opened.body.reason).toMatch(/見積.*2者以上/);
    const page = await h.page(cookie, `/cases/${id}/bidding`);
    expect(page.text).toContain('見積');
    expect(page.text).toContain(opened.body.reason);
  });

  it('with two quotes, the lowest within the ceiling wins', async () => {
    const id = await quotation('消耗品（見積合わせ・2者）');
    expect((await quote(a.vendor, id, 900_000)).status).toBe(201);
    expect((await quote(a.otherVendor, id, 850_000)).status).toBe(201);
    h.clock.set(OPENING);
    const opened = await h.call('POST', `/api/cases/${id}/bids/open`, { token: a.secretariat });
    expect(opened.status, opened.text).toBe(200);
    expect(opened.body).toMatchObject({ outcome: 'awarded', winner: { vendorId: a.otherVendorId, amount: 850_000, amountWithTax: 935_000 } });
    // the result speaks of quotes: 見積の一覧, 決定者, 見積金額 — not of a tender's 落札者
    const page = await h.page(await h.cookieFor('sec-methods@test.example'), `/cases/${id}/bidding`);
    for (const text of ['見積の一覧（金額の低い順）', '決定者:', '見積金額 850,000円']) expect(page.text, text).toContain(text);
    const result = page.text.slice(page.text.indexOf('aria-label="第1回の開札結果"'));
    expect(result).toContain('開札結果: 決定');
    expect(result).not.toContain('落札');
  });
});

describe('public view and OCDS of a 随意契約', () => {
  it('shows nothing before the award; afterwards the case as 随意契約 with its ground and reason', async () => {
    h.clock.set('2026-08-01T09:00:00.000+09:00');
    const id = await negotiated('公開確認の随意契約');
    const draftLeaks = async () => {
      const list = await h.call('GET', '/api/public/cases');
      expect(list.body.cases.map((c: { id: string }) => c.id)).not.toContain(id);
      expect((await h.call('GET', `/api/public/cases/${id}`)).status).toBe(404);
      expect((await h.call('GET', `/public/cases/${id}`)).status).toBe(404);
      expect((await h.call('GET', '/public')).text).not.toContain('公開確認の随意契約');
    };
    await draftLeaks();

    const award = await h.call('POST', `/api/cases/${id}/award`, { token: a.secretariat, body: { vendorId: a.vendorId, amount: 4_800_000 } });
    expect(award.status, award.text).toBe(201);
    expect((await h.call('GET', `/api/cases/${id}`, { token: a.secretariat })).body.case.state).toBe('awarded');

    const list = await h.call('GET', '/api/public/cases');
    const listed = list.body.cases.find((c: { id: string }) => c.id === id);
    expect(listed).toMatchObject({ method: 'negotiated', methodLabel: '随意契約', state: 'awarded', negotiatedGroundCitation: CITATION });
    const detail = await h.call('GET', `/api/public/cases/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.case).toMatchObject({ methodLabel: '随意契約', negotiatedGround: '2', negotiatedGroundCitation: CITATION, negotiatedReason: REASON, result: { vendorId: a.vendorId, amount: 4_800_000 } });
    const page = await h.call('GET', `/public/cases/${id}`);
    expect(page.status).toBe(200);
    for (const text of ['随意契約', CITATION, REASON, 'methods事業者1']) expect(page.text).toContain(text);
    expect((await h.call('GET', '/public')).text).toContain('公開確認の随意契約');

    const ocds = await h.call('GET', `/api/public/cases/${id}/ocds`);
    expect(ocds.status).toBe(200);
    const tender = ocds.body.releases.find((r: { tender?: { procurementMethod?: string } }) => r.tender?.procurementMethod)?.tender;
    expect(tender).toMatchObject({ procurementMethod: 'limited', procurementMethodDetails: expect.stringContaining(CITATION) });
    if (hasOcdsSchemas) {
      const { valid, errors } = validatePackage(ocds.body);
      expect(valid, JSON.stringify(errors, null, 1)?.slice(0, 1500)).toBe(true);
    }
  });

  it('names a proposal result 契約候補者（優先交渉権者）, contracted by 随意契約', async () => {
    h.clock.set('2026-09-01T09:00:00.000+09:00');
    const created = await create({ title: '公開確認のプロポーザル', method: 'proposal', submissionDeadline: '2026-09-10T17:00:00.000+09:00' });
    const id = created.body.case.id as string;
    await putSpec(h, a.secretariat, id);
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${id}/proposal`, { token: a.vendor, body: { price: 3_000_000 } })).status).toBe(200);
    const me = await h.call('GET', '/api/me', { token: a.evaluator });
    const setup = await h.call('PUT', `/api/cases/${id}/evaluation`, {
      token: a.secretariat,
      body: { criteria: [{ code: 'func', name: '機能', maxPoints: 100, mode: 'points' }], aggregation: 'average', evaluatorIds: [me.body.user.id], reason: '評価基準を定めます。' },
    });
    expect(setup.status, setup.text).toBe(200);
    h.clock.set('2026-09-11T09:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'evaluation' } })).status).toBe(200);
    await h.call('POST', `/api/cases/${id}/evaluation/coi`, { token: a.evaluator, body: { conflict: false } });
    const listed = (await h.call('GET', `/api/cases/${id}/evaluation/proposals`, { token: a.evaluator })).body.proposals as { ref: string }[];
    for (const { ref } of listed) {
      await h.call('PUT', `/api/cases/${id}/evaluation/sheets/${ref}`, { token: a.evaluator, body: { scores: { func: 80 } } });
      await h.call('POST', `/api/cases/${id}/evaluation/sheets/${ref}/submit`, { token: a.evaluator });
    }
    expect((await h.call('POST', `/api/cases/${id}/evaluation/close`, { token: a.secretariat })).status).toBe(200);
    const award = await h.call('POST', `/api/cases/${id}/award`, { token: a.secretariat, body: {} });
    expect(award.status, award.text).toBe(201);

    const page = await h.call('GET', `/public/cases/${id}`);
    expect(page.text).toContain('契約候補者（優先交渉権者）');
    expect(page.text).toContain('随意契約により');
    const secretariatPage = await h.page(cookie, `/cases/${id}`);
    expect(secretariatPage.text).toContain('契約候補者（優先交渉権者）');
    const pdf = await h.call('GET', `/api/cases/${id}/documents/award.pdf`, { token: a.secretariat });
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.bytes);
    for (const expected of ['契約候補者特定通知書', '契約候補者（優先交渉権者）', '随意契約により契約を締結', '公募型プロポーザル']) expect(text, expected).toContain(expected);
  });
});
