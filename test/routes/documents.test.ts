import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPayload } from '../../src/documents/payloads/spec.ts';
import { issuerSettings } from '../../src/services/issuer.ts';
import { renderTemplate } from '../../src/documents/template.ts';
import { findCase } from '../../src/db/cases.ts';
import { Scratch, assertPdfToolsInstalled, darkPixels, differingPixels, hasDraftStamp, qpdfCheck, rawText, renderPageGray } from '../documents/pdf-tools.ts';
import { type Harness, OPERATOR, PASSWORD, createHarness, putSpec } from '../helpers/harness.ts';

// 岐阜県: the spec lists every participating body with its options, so contracts follow the award as is.

let h: Harness;
let sec: string;
let consortiumId: string;
const scratch = new Scratch();
const gifu = ['岐阜県', '岐阜市', '大垣市', '高山市', '多治見市', '関市', '中津川市', '美濃市', '瑞浪市', '羽島市', '恵那市', '美濃加茂市', '土岐市', '各務原市', '可児市', '山県市', '瑞穂市'];
const memberIds = new Map<string, string>();
let memberToken: string;
let vendorTokens: string[] = [];
let vendorIds: string[] = [];

/** Fetches a PDF, checks it with qpdf and answers its text in drawing order (whitespace removed). */
async function pdf(path: string, token = sec, name = 'doc.pdf') {
  const res = await h.call('GET', path, { token });
  expect(res.status, res.text.slice(0, 200)).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const file = scratch.write(name, res.bytes);
  if (process.env.DOCS_OUT) writeFileSync(`${process.env.DOCS_OUT}/${name}`, res.bytes);
  qpdfCheck(file);
  return { file, text: rawText(file), size: res.bytes.length };
}

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  const created = await h.call('POST', '/api/consortia', { token: operator, body: { name: '岐阜県・市町村DX推進連絡協議会', secretariat: { email: 'sec-doc@test.example', name: '事務局', password: PASSWORD } } });
  consortiumId = created.body.consortium.id;
  sec = await h.login('sec-doc@test.example');
  for (const [i, name] of gifu.entries()) {
    const m = await h.call('POST', '/api/members', { token: sec, body: { name, kind: i === 0 ? 'prefecture' : 'city', population: 10_000 * (i + 1) } });
    memberIds.set(name, m.body.member.id);
  }
  await h.call('POST', '/api/users', { token: sec, body: { email: 'gifu-shi@test.example', name: '岐阜市 情報政策課', role: 'member', password: PASSWORD, memberId: memberIds.get('岐阜市') } });
  memberToken = await h.login('gifu-shi@test.example');
  for (const [i, name] of ['弁護士ドットコム株式会社', '株式会社電子契約', '契約クラウド株式会社'].entries()) {
    const v = await h.call('POST', '/api/vendors/register', { body: { consortiumId, companyName: name, email: `v${i}-doc@test.example`, name: '担当', password: PASSWORD } });
    vendorIds.push(v.body.vendor.id);
    vendorTokens.push(await h.login(`v${i}-doc@test.example`));
    // a vendor that registered itself proposes and bids once the secretariat has approved it (入札参加資格)
    await h.call('POST', `/api/vendors/${v.body.vendor.id}/qualification`, { token: sec, body: { status: 'approved' } });
  }
});
afterAll(async () => {
  scratch.remove();
  await h.close();
});

describe('the specification (仕様書)', () => {
  let caseId: string;

  it('lists every participating body with each of its options, as a draft until publication', async () => {
    const created = await h.call('POST', '/api/cases', {
      token: sec,
      body: {
        title: '電子契約システム',
        method: 'competitive_bid',
        contractMode: 'individual',
        fiscalYear: 2023,
        description: '契約締結に係る各種作業をデジタルで完結できる電子契約システムを、県及び県内市町村で共同調達する。',
        options: [{ code: 'consult', name: '導入支援コンサル' }, { code: 'users', name: '追加利用者ID' }],
      },
    });
    caseId = created.body.case.id;
    for (const name of gifu) {
      await h.call('PUT', `/api/cases/${caseId}/participants/${memberIds.get(name)}`, {
        token: sec,
        body: { participating: true, options: name === '岐阜県' ? { consult: true, users: 50 } : name === '大垣市' ? { users: 12 } : { consult: false } },
      });
    }
    const spec = await h.call('PUT', `/api/cases/${caseId}/spec`, {
      token: sec,
      body: {
        sections: [
          { heading: '業務の目的', body: '契約事務のデジタル化により、事業者の利便性の向上と事務の効率化を図る。' },
          { heading: '提供するサービス', body: 'クラウドサービス（SaaS）として提供すること。\n参加団体ごとに独立した環境とすること。' },
        ],
        requirements: [
          { code: 'F-001', text: '電子署名及びタイムスタンプにより契約書を締結できること。', level: 'must' },
          { code: 'F-002', text: '契約書の検索・保管ができること。', level: 'must' },
          { code: 'F-003', text: '財務会計システムと連携できること。', level: 'want' },
        ],
      },
    });
    expect(spec.body.spec.version).toBe(1);
    const { text, file } = await pdf(`/api/cases/${caseId}/documents/spec.pdf`, sec, 'spec.pdf');
    expect(hasDraftStamp(file)).toBe(true);
    for (const expected of ['電子契約システム仕様書', '岐阜県・市町村DX推進連絡協議会', '参加団体とオプション', '導入支援コンサル', '追加利用者ID', '業務の目的', '電子署名及びタイムスタンプ', '必須', '任意']) {
      expect(text, expected).toContain(expected);
    }
    for (const name of gifu) expect(text, name).toContain(name);
    // 岐阜県 takes the consulting and 50 IDs: its row reads 岐阜県 都道府県 ○ 50
    expect(text).toMatch(/岐阜県都道府県○50/);
    expect(text).toMatch(/大垣市市—12/);
  });

  it('draws the same glyphs with the subset font as with the whole font', async () => {
    const row = (await findCase(h.database.db, consortiumId, caseId))!;
    const ctx = { issuer: await issuerSettings(h.database.db, row.consortiumId) };
    const built = await specPayload(h.database.db, row, ctx);
    const options = { author: ctx.issuer.issuerName, issuedAt: new Date('2026-04-01T09:00:00+09:00'), draft: true };
    const subset = scratch.write('spec-subset.pdf', (await renderTemplate('spec', built.payload, options)).bytes);
    const full = scratch.write('spec-full.pdf', (await renderTemplate('spec', built.payload, { ...options, fontSubset: false })).bytes);
    const a = renderPageGray(scratch, subset, 1, 50);
    const b = renderPageGray(scratch, full, 1, 50);
    const dark = darkPixels(b);
    expect(dark / (b.width * b.height)).toBeGreaterThan(0.01);
    expect(differingPixels(a, b)).toBeLessThan(dark * 0.05);
  });

  it('keeps versions and takes members\' comments on the current draft only, with answers in the 意見対応表', async () => {
    const early = await h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: memberToken, body: { section: '業務の目的', text: '早すぎる意見' } });
    expect(early.status).toBe(409);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'spec_review' } });
    await h.call('PUT', `/api/cases/${caseId}/spec`, {
      token: sec,
      body: { sections: [{ heading: '業務の目的', body: '目的（第2版）' }, { heading: '提供形態', body: 'SaaS' }] },
    });
    expect((await h.call('GET', `/api/cases/${caseId}/spec/versions`, { token: sec })).body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const stale = await h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: memberToken, body: { section: '提供するサービス', text: '第1版の章への意見' } });
    expect(stale.status).toBe(400);
    const comment = await h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: memberToken, body: { section: '提供形態', text: 'LGWAN接続系からも利用できることを要件に加えてほしい。' } });
    expect(comment.status).toBe(201);
    expect(comment.body.comment).toMatchObject({ version: 2, memberName: '岐阜市' });
    expect((await h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: sec, body: { section: '提供形態', text: 'x' } })).status).toBe(403);
    const answered = await h.call('PUT', `/api/cases/${caseId}/spec/comments/${comment.body.comment.id}`, { token: sec, body: { response: '「提供形態」にLGWAN接続系からの利用を追記しました。', reflected: true } });
    expect(answered.body.comment).toMatchObject({ reflected: true });
    const named = (await pdf(`/api/cases/${caseId}/documents/comment-responses.pdf`, sec, 'comment-responses.pdf')).text;
    for (const expected of ['意見と対応', '提供形態', 'LGWAN接続系からも利用できることを要件に加えてほしい', '岐阜市', '追記しました', '○']) expect(named).toContain(expected);
    const anonymous = (await pdf(`/api/cases/${caseId}/documents/comment-responses.pdf?anonymize=1`, sec, 'comment-responses-anon.pdf')).text;
    expect(anonymous).toContain('団体A');
    expect(anonymous).not.toContain('岐阜市');
  });

  it('tabulates the bids after the opening and records the award with each member\'s options', async () => {
    await putSpec(h, sec, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'open' } });
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: sec,
      body: { ceilingPrice: 5_000_000, ceilingPublic: false, floorPrice: 4_000_000, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00', reason: '入札の日程と条件を定めます。' },
    });
    expect((await h.call('GET', `/api/cases/${caseId}/documents/bid-tabulation.pdf`, { token: sec })).status).toBe(409);
    const secPage = await h.cookieFor('sec-doc@test.example');
    const before = (await h.page(secPage, `/cases/${caseId}`)).text;
    expect(before).not.toContain('documents/bid-tabulation.pdf');
    expect(before).toContain('documents/comment-responses.pdf');
    h.clock.set('2026-06-05T10:00:00.250+09:00');
    await h.call('POST', `/api/cases/${caseId}/bids`, { token: vendorTokens[0], body: { amount: 4_500_000, lotNumber: 123 } });
    h.clock.set('2026-06-05T11:00:00.900+09:00');
    await h.call('POST', `/api/cases/${caseId}/bids`, { token: vendorTokens[1], body: { amount: 4_500_000, lotNumber: 500 } });
    await h.call('POST', `/api/cases/${caseId}/bids/decline`, { token: vendorTokens[2] });
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    const opened = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: sec });
    expect(opened.body.lot.winnerVendorId).toBe(vendorIds[1]);

    expect((await h.page(secPage, `/cases/${caseId}`)).text).toContain('documents/bid-tabulation.pdf');
    const tabulation = (await pdf(`/api/cases/${caseId}/documents/bid-tabulation.pdf`, sec, 'bid-tabulation.pdf')).text;
    for (const expected of ['入札経過調書', '5,000,000円', '4,000,000円', '弁護士ドットコム株式会社', '株式会社電子契約', '契約クラウド株式会社', '4,500,000円', '辞退', '電子くじ', '合計773÷くじの対象者数2＝386余り1', '落札（くじ当選）', '4,950,000円（税込）']) {
      expect(tabulation, expected).toContain(expected);
    }

    expect((await h.call('GET', `/api/cases/${caseId}/documents/award.pdf`, { token: sec })).status).toBe(409);
    const award = await h.call('POST', `/api/cases/${caseId}/award`, { token: sec, body: {} });
    expect(award.status).toBe(201);
    expect(award.body.award).toMatchObject({ vendorId: vendorIds[1], amount: 4_500_000, amountWithTax: 4_950_000, basis: 'bidding' });
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: sec })).body.case.state).toBe('awarded');
    const { text, file } = await pdf(`/api/cases/${caseId}/documents/award.pdf`, sec, 'award.pdf');
    for (const expected of ['落札決定通知書', '株式会社電子契約様', '4,500,000円', '4,950,000円', '決定の経緯', '参加団体及びオプション']) expect(text, expected).toContain(expected);
    for (const name of gifu) expect(text, name).toContain(name);
    expect(hasDraftStamp(file)).toBe(false);
    // the published spec is no longer a draft
    expect(hasDraftStamp((await pdf(`/api/cases/${caseId}/documents/spec.pdf`, sec, 'spec-final.pdf')).file)).toBe(false);
  });
});

describe('the evaluation summary and a proposal award', () => {
  it('publishes the ranking without evaluator names, and the award with each member\'s share', async () => {
    h.clock.set('2026-04-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', {
      token: sec,
      body: { title: 'AI議事録作成システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00', options: [{ code: 'extra', name: '追加ID', price: 24_000 }] },
    });
    const caseId = created.body.case.id;
    for (const name of gifu.slice(0, 5)) await h.call('PUT', `/api/cases/${caseId}/participants/${memberIds.get(name)}`, { token: sec, body: { participating: true, options: name === '岐阜市' ? { extra: 2 } : {} } });
    await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token: sec, body: { method: 'population', total: 7_020_000 } });
    await putSpec(h, sec, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'open' } });
    await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: vendorTokens[0], body: { price: 7_000_000 } });
    await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: vendorTokens[2], body: { price: 6_500_000 } });
    const evaluators: string[] = [];
    for (const n of [1, 2]) {
      const u = await h.call('POST', '/api/users', { token: sec, body: { email: `iin${n}-doc@test.example`, name: `秘密委員${n}`, role: 'evaluator', password: PASSWORD } });
      evaluators.push(u.body.user.id);
    }
    await h.call('PUT', `/api/cases/${caseId}/evaluation`, {
      token: sec,
      body: { criteria: [{ code: 'func', name: '機能', maxPoints: 70, mode: 'points' }, { code: 'price', name: '価格', maxPoints: 30, mode: 'price' }], aggregation: 'average', evaluatorIds: evaluators, anonymize: true, reason: '評価基準を定めます。' },
    });
    h.clock.set('2026-04-14T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'evaluation' } });
    for (const [n, scores] of [[1, [60, 50]], [2, [64, 52]]] as const) {
      const token = await h.login(`iin${n}-doc@test.example`);
      await h.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token, body: { conflict: false } });
      // anonymised: the committee scores each proposal by the ref its list gives, told apart here by price
      const listed = (await h.call('GET', `/api/cases/${caseId}/evaluation/proposals`, { token })).body.proposals as { ref: string; price: number }[];
      for (const [i, price] of [7_000_000, 6_500_000].entries()) {
        const ref = listed.find((p) => p.price === price)!.ref;
        await h.call('PUT', `/api/cases/${caseId}/evaluation/sheets/${ref}`, { token, body: { scores: { func: scores[i] } } });
        await h.call('POST', `/api/cases/${caseId}/evaluation/sheets/${ref}/submit`, { token });
      }
    }
    expect((await h.call('POST', `/api/cases/${caseId}/evaluation/close`, { token: sec })).status).toBe(200);
    const summary = (await pdf(`/api/cases/${caseId}/documents/evaluation-summary.pdf`, sec, 'evaluation-summary.pdf')).text;
    for (const expected of ['提案の評価結果', '提案者A', '提案者B', '優先交渉権者']) expect(summary, expected).toContain(expected);
    // the issued copy is the publishable one: each evaluator's totals only in the secretariat's internal copy
    expect(summary).not.toContain('委員1');
    const internal = (await pdf(`/api/cases/${caseId}/documents/evaluation-internal.pdf`, sec, 'evaluation-internal.pdf')).text;
    for (const expected of ['委員1', '委員2']) expect(internal, expected).toContain(expected);
    expect(internal).not.toContain('秘密委員');
    expect(summary).not.toContain('秘密委員');
    expect(summary).not.toContain('弁護士ドットコム');
    const named = (await pdf(`/api/cases/${caseId}/documents/evaluation-summary.pdf?anonymize=0`, sec, 'evaluation-summary-named.pdf')).text;
    expect(named).toContain('弁護士ドットコム株式会社');
    expect(named).not.toContain('秘密委員');

    const award = await h.call('POST', `/api/cases/${caseId}/award`, { token: sec, body: {} });
    expect(award.body.award).toMatchObject({ vendorId: vendorIds[0], amount: 7_000_000, amountWithTax: 7_700_000, basis: 'evaluation' });
    const text = (await pdf(`/api/cases/${caseId}/documents/award.pdf`, memberToken, 'award-proposal.pdf')).text;
    for (const expected of ['契約候補者特定通知書', '弁護士ドットコム株式会社', '優先交渉権者', '決定の経緯', '参加団体ごとの負担額', '7,000,000円', '48,000円']) expect(text, expected).toContain(expected);
  });
});
