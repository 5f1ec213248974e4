import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { hasOcdsSchemas, validatePackage } from '../helpers/ocds.ts';

let h: Harness;
let a: Tenant;
let third: { id: string; token: string };
const checked: string[] = [];

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'oc');
  const reg = await h.call('POST', '/api/vendors/register', { body: { consortiumId: a.consortiumId, companyName: 'oc事業者3', corporateNumber: '7000012050002', email: 'v3-oc@test.example', name: '三', password: PASSWORD } });
  third = { id: reg.body.vendor.id, token: await h.login('v3-oc@test.example') };
  // a vendor that registered itself proposes and bids once the secretariat has approved it (入札参加資格)
  await h.call('POST', `/api/vendors/${third.id}/qualification`, { token: a.secretariat, body: { status: 'approved' } });
});
afterAll(() => h.close());

/** The case's OCDS package, validated against the official schema; answers the package. */
async function ocds(caseId: string, label: string) {
  const res = await h.call('GET', `/api/cases/${caseId}/ocds`, { token: a.secretariat });
  expect(res.status).toBe(200);
  if (hasOcdsSchemas) {
    const { valid, errors } = validatePackage(res.body);
    expect(valid, `${label}: ${JSON.stringify(errors, null, 1)?.slice(0, 1500)}`).toBe(true);
  }
  checked.push(label);
  return res.body;
}

// an RFI is published with its questions, a notice with its spec
const move = async (caseId: string, to: string) => {
  if (to === 'rfi') await h.call('PUT', `/api/cases/${caseId}/rfi`, { token: a.secretariat, body: { deadline: '2026-04-08T17:00:00.000+09:00', questions: [{ code: 'summary', text: '製品の概要', kind: 'text' }] } });
  if (to === 'open') await putSpec(h, a.secretariat, caseId);
  return h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to } });
};

describe('OCDS for every state of the seed cases', () => {
  it('a proposal case (長野県・大阪府) from draft to award', async () => {
    h.clock.set('2026-04-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: { title: '子育て支援アプリ', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00', options: [{ code: 'push', name: 'プッシュ通知', price: 12_000 }], description: '出生数に応じて按分する。' },
    });
    const id = created.body.case.id;
    await h.call('PUT', `/api/cases/${id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: { push: 2 } } });
    await h.call('PUT', `/api/cases/${id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: true, options: { push: false } } });
    const draft = await ocds(id, 'proposal/draft');
    expect(draft.releases.map((r: { tag: string[] }) => r.tag[0])).toEqual(['planning']);
    expect(draft.releases[0].ocid).toBe(`ocds-jpwb00-${id}`);
    expect(draft.releases[0].parties.filter((p: { roles: string[] }) => p.roles.includes('buyer')).map((p: { name: string }) => p.name)).toEqual(['oc協議会', 'oc市', 'oc村']);
    expect(draft.releases[0].tender.items).toEqual([
      { id: 'service', description: '子育て支援アプリ', quantity: 2, unit: { name: '団体' } },
      { id: 'option-push', description: 'プッシュ通知', quantity: 2, unit: { name: '単位', value: { amount: 12_000, currency: 'JPY' } } },
    ]);
    await move(id, 'rfi');
    await ocds(id, 'proposal/rfi');
    await move(id, 'spec_review');
    await ocds(id, 'proposal/spec_review');
    await move(id, 'open');
    const open = await ocds(id, 'proposal/open');
    expect(open.releases[1]).toMatchObject({ tag: ['tender'], tender: { status: 'active', procurementMethod: 'selective', procurementMethodDetails: '公募型プロポーザル（契約候補者の選定後、随意契約）' } });
    // who has submitted stays private until the evaluation is closed
    await h.call('PUT', `/api/cases/${id}/proposal`, { token: a.vendor, body: { price: 9_000_000 } });
    expect(JSON.stringify(await ocds(id, 'proposal/open+proposal'))).not.toContain(a.vendorId);
    const users = await h.call('GET', '/api/users', { token: a.secretariat });
    const evaluatorId = users.body.users.find((u: { role: string }) => u.role === 'evaluator').id;
    await h.call('PUT', `/api/cases/${id}/evaluation`, { token: a.secretariat, body: { criteria: [{ code: 'q', name: '品質', maxPoints: 70, mode: 'points' }, { code: 'p', name: '価格', maxPoints: 30, mode: 'price' }], aggregation: 'average', evaluatorIds: [evaluatorId], reason: '評価基準を定めます。' } });
    h.clock.set('2026-04-14T10:00:00.000+09:00');
    await move(id, 'evaluation');
    await ocds(id, 'proposal/evaluation');
    await h.call('POST', `/api/cases/${id}/evaluation/coi`, { token: a.evaluator, body: { conflict: false } });
    await h.call('PUT', `/api/cases/${id}/evaluation/sheets/${a.vendorId}`, { token: a.evaluator, body: { scores: { q: 60 } } });
    await h.call('POST', `/api/cases/${id}/evaluation/sheets/${a.vendorId}/submit`, { token: a.evaluator });
    await h.call('POST', `/api/cases/${id}/evaluation/close`, { token: a.secretariat });
    const closed = await ocds(id, 'proposal/evaluation closed');
    expect(closed.releases[1].bids.details[0]).toMatchObject({ status: 'valid', value: { amount: 9_000_000, currency: 'JPY' } });
    await h.call('POST', `/api/cases/${id}/award`, { token: a.secretariat, body: {} });
    const awarded = await ocds(id, 'proposal/awarded');
    expect(awarded.releases.map((r: { tag: string[] }) => r.tag[0])).toEqual(['planning', 'tender', 'award']);
    expect(awarded.releases[2].awards[0]).toMatchObject({ status: 'active', value: { amount: 9_900_000, currency: 'JPY' }, suppliers: [{ id: `vendor-${a.vendorId}` }] });
    expect(awarded.releases[2].parties.find((p: { id: string }) => p.id === `vendor-${a.vendorId}`).roles).toEqual(['tenderer', 'supplier']);
  });

  it('a general competitive tender (岐阜県): bid amounts only after the opening', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '電子契約システム', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    const id = created.body.case.id;
    await h.call('PUT', `/api/cases/${id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: {} } });
    await h.call('PUT', `/api/cases/${id}/bidding`, { token: a.secretariat, body: { ceilingPrice: 5_000_000, ceilingPublic: false, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00' } });
    await move(id, 'open');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${id}/bids`, { token: a.vendor, body: { amount: 4_321_987, lotNumber: 1 } });
    await h.call('POST', `/api/cases/${id}/bids`, { token: third.token, body: { amount: 4_600_000, lotNumber: 2 } });
    const sealed = await ocds(id, 'tender/open with sealed bids');
    expect(JSON.stringify(sealed)).not.toMatch(/4321987|4600000|5000000/);
    expect(sealed.releases[1].tender).toMatchObject({ procurementMethod: 'open', procurementMethodDetails: '一般競争入札', numberOfTenderers: 0 });
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${id}/bids/open`, { token: a.secretariat });
    const opened = await ocds(id, 'tender/opened');
    expect(opened.releases[1].tender.value).toEqual({ amount: 5_000_000, currency: 'JPY' });
    expect(opened.releases[1].bids.details.map((b: { value: { amount: number } }) => b.value.amount).sort()).toEqual([4_321_987, 4_600_000]);
    expect(opened.releases[1].parties.find((p: { id: string }) => p.id === `vendor-${third.id}`).identifier).toEqual({ scheme: 'JP-JCN', id: '7000012050002', legalName: 'oc事業者3' });
    await h.call('POST', `/api/cases/${id}/award`, { token: a.secretariat, body: {} });
    await ocds(id, 'tender/awarded');
  });

  it('a cancelled case and a failed tender (不落)', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '中止案件', method: 'comprehensive', contractMode: 'bulk', fiscalYear: 2026 } });
    const id = created.body.case.id;
    await move(id, 'open');
    await move(id, 'cancelled');
    const cancelled = await ocds(id, 'comprehensive/cancelled');
    expect(cancelled.releases[1]).toMatchObject({ tag: ['tenderCancellation'], tender: { status: 'cancelled' } });
    const failed = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '不落案件', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    const fid = failed.body.case.id;
    await h.call('PUT', `/api/cases/${fid}/bidding`, { token: a.secretariat, body: { ceilingPrice: 1_000_000, ceilingPublic: true, maxRounds: 1, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00' } });
    await move(fid, 'open');
    await h.call('POST', `/api/cases/${fid}/bids`, { token: a.vendor, body: { amount: 1_500_000, lotNumber: 1 } });
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${fid}/bids/open`, { token: a.secretariat });
    const unsuccessful = await ocds(fid, 'competitive_bid/failed');
    expect(unsuccessful.releases[1].bids.details[0].status).toBe('disqualified');
  });
});

describe('the public face', () => {
  it('lists published cases only, without a login', async () => {
    const list = await h.call('GET', '/api/public/cases');
    expect(list.status).toBe(200);
    const titles = list.body.cases.map((c: { title: string }) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['子育て支援アプリ', '電子契約システム', '中止案件', '不落案件']));
    const draft = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '非公開の準備中案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    expect((await h.call('GET', '/api/public/cases')).text).not.toContain('非公開の準備中案件');
    expect((await h.call('GET', `/api/public/cases/${draft.body.case.id}`)).status).toBe(404);
    expect((await h.call('GET', `/api/public/cases/${draft.body.case.id}/ocds`)).status).toBe(404);
    expect((await h.call('GET', `/api/public/cases/${draft.body.case.id}/documents/spec.pdf`)).status).toBe(404);
    const page = await h.call('GET', '/public');
    expect(page.status).toBe(200);
    expect(page.text).toContain('子育て支援アプリ');
    expect(page.text).not.toContain('非公開の準備中案件');
  });

  it('shows a sealed tender without any amount, its ceiling only as 事後公表', async () => {
    h.clock.set('2026-07-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '封印確認', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    const id = created.body.case.id;
    await h.call('PUT', `/api/cases/${id}/bidding`, { token: a.secretariat, body: { ceilingPrice: 7_777_777, ceilingPublic: false, floorPrice: 6_666_666, deadlineAt: '2026-07-09T17:00:00.000+09:00', openingAt: '2026-07-10T10:00:00.000+09:00' } });
    await move(id, 'open');
    await h.call('POST', `/api/cases/${id}/bids`, { token: a.vendor, body: { amount: 7_123_456, lotNumber: 1 } });
    for (const path of [`/api/public/cases/${id}`, `/api/public/cases/${id}/ocds`, `/public/cases/${id}`, '/public', '/public/feed.xml', '/api/public/cases', '/api/public/export/2026/ocds.json', '/api/public/export/2026/cases.csv']) {
      const res = await h.call('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toMatch(/7,?123,?456|7,?777,?777|6,?666,?666/);
    }
    expect((await h.call('GET', `/public/cases/${id}`)).text).toContain('事後公表');
  });

  it('publishes the result after the award, with the evaluation summary but no evaluator and no per-evaluator score', async () => {
    const list = await h.call('GET', '/api/public/cases');
    const id = list.body.cases.find((c: { title: string }) => c.title === '子育て支援アプリ').id;
    const detail = await h.call('GET', `/api/public/cases/${id}`);
    expect(detail.body.case.result).toMatchObject({ vendorName: 'oc事業者1', amount: 9_000_000, amountWithTax: 9_900_000 });
    // the notice is a letter to the vendor: the public reads the result here and in the evaluation result
    expect(detail.body.case.documents.map((d: { name: string }) => d.name)).toEqual(['仕様書', '評価結果']);
    expect((await h.call('GET', `/api/public/cases/${id}/documents/award.pdf`)).status).toBe(404);
    const pdf = await h.call('GET', `/api/public/cases/${id}/documents/evaluation-summary.pdf`);
    expect(pdf.status).toBe(200);
    const { rawText } = await import('../documents/pdf-tools.ts');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const file = `${mkdtempSync('/tmp/pub-')}/summary.pdf`;
    writeFileSync(file, pdf.bytes);
    const text = rawText(file);
    expect(text).toContain('評価結果');
    expect(text).not.toContain('評価委員ごとの技術点');
    expect(text).not.toContain('eval-oc');
    // nothing personal in any public answer: no evaluator, no login address, no per-evaluator totals
    for (const path of [`/api/public/cases/${id}`, `/api/public/cases/${id}/ocds`, `/public/cases/${id}`, '/public/feed.xml']) {
      const res = await h.call('GET', path);
      expect(res.text, path).not.toMatch(/eval-oc|@test\.example|evaluatorTotals|evaluator/);
    }
  });

  it('exports a fiscal year as one valid OCDS package, a CSV for Excel and an Atom feed', async () => {
    const pkg = await h.call('GET', '/api/public/export/2026/ocds.json');
    expect(pkg.status).toBe(200);
    if (hasOcdsSchemas) expect(validatePackage(pkg.body).valid).toBe(true);
    expect(new Set(pkg.body.releases.map((r: { ocid: string }) => r.ocid)).size).toBe(5);
    const csv = await h.call('GET', '/api/public/export/2026/cases.csv');
    expect(csv.bytes.slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(csv.text).toContain('子育て支援アプリ,公募型プロポーザル');
    expect(csv.text).toMatch(/子育て支援アプリ.*oc事業者1,9000000,9900000/);
    const feed = await h.call('GET', '/public/feed.xml');
    expect(feed.headers.get('content-type')).toContain('application/atom+xml');
    expect(feed.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(feed.text).toContain('<title type="html"><![CDATA[子育て支援アプリ]]></title>');
  });

  it('checked every state, with a validator that does refuse what the standard does not allow', async () => {
    expect(checked).toHaveLength(13);
    if (!hasOcdsSchemas) return;
    const pkg = (await h.call('GET', '/api/public/export/2026/ocds.json')).body;
    const broken = structuredClone(pkg);
    broken.releases[1].tender.procurementMethod = 'auction';
    expect(validatePackage(broken).valid).toBe(false);
    const badBid = structuredClone(pkg);
    const withBids = badBid.releases.find((r: { bids?: unknown }) => r.bids);
    withBids.bids.details[0].status = 'opened';
    expect(validatePackage(badBid).valid).toBe(false);
  });
});
