import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, assertPdfToolsInstalled, hasDraftStamp, qpdfCheck, rawText } from '../documents/pdf-tools.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { type IssuedListing, issuerSettingsBody } from '../helpers/issued-documents.ts';

// Issued documents are records: drawn once, numbered per consortium and fiscal year, kept byte for byte
// with their SHA-256; a change issues a new version beside the old; drafts are never numbered.

let h: Harness;
let t: Tenant;
const scratch = new Scratch();

const settings = issuerSettingsBody;

type Listed = IssuedListing;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const listed = async (caseId: string, token = t.secretariat) => ((await h.call('GET', `/api/cases/${caseId}/documents`, { token })).body as { documents: Listed[] }).documents;
const textOf = (name: string, bytes: Uint8Array) => {
  const file = scratch.write(name, bytes);
  qpdfCheck(file);
  return { file, text: rawText(file) };
};

async function negotiatedAward(title: string) {
  const created = await h.call('POST', '/api/cases', {
    token: t.secretariat,
    body: { title, method: 'negotiated', contractMode: 'bulk', fiscalYear: 2026, negotiatedGround: '2', negotiatedReason: '既存システムとの互換性を確保するため' },
  });
  expect(created.status, created.text).toBe(201);
  const caseId = created.body.case.id as string;
  for (const memberId of t.memberIds) await h.call('PUT', `/api/cases/${caseId}/participants/${memberId}`, { token: t.secretariat, body: { participating: true, options: {} } });
  await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token: t.secretariat, body: { method: 'equal', total: 3_000_000 } });
  const award = await h.call('POST', `/api/cases/${caseId}/award`, { token: t.secretariat, body: { vendorId: t.vendorId, amount: 3_000_000 } });
  expect(award.status, award.text).toBe(201);
  return caseId;
}

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness({ sessionIdleMs: 399 * 86_400_000, sessionMaxMs: 399 * 86_400_000 });
  t = await createTenant(h, 'issue');
});
afterAll(async () => {
  scratch.remove();
  await h.close();
});

describe('issuer settings (発行者の設定)', () => {
  it('start from the consortium name, 和暦 first, 公印省略 and plain numbers', async () => {
    const res = await h.call('GET', '/api/consortium/settings', { token: t.secretariat });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ issuerName: 'issue協議会', era: 'wareki', seal: 'omitted', documentNumberPattern: '第{n}号' });
  });

  it('refuse a number pattern without exactly one {n}, an unknown field or a bad calendar, naming the field, and save nothing', async () => {
    for (const [body, path] of [
      [{ ...settings, documentNumberPattern: '熊DX協第号' }, 'documentNumberPattern'],
      [{ ...settings, documentNumberPattern: '{n}-{n}' }, 'documentNumberPattern'],
      [{ ...settings, era: 'heisei' }, 'era'],
      [{ ...settings, stamp: true }, 'stamp'],
    ] as const) {
      const res = await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(JSON.stringify(res.body.error.details)).toContain(path);
    }
    const bad = await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body: { ...settings, documentNumberPattern: '熊DX協第号' } });
    expect(bad.body.error.details[0].message).toContain('{n}');
    expect((await h.call('GET', '/api/consortium/settings', { token: t.secretariat })).body.settings.issuerName).toBe('issue協議会');
  });

  it('are saved by the secretariat with an audit entry, and refused to a member', async () => {
    expect((await h.call('PUT', '/api/consortium/settings', { token: t.member, body: settings })).status).toBe(403);
    const saved = await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body: settings });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.settings).toEqual(settings);
    const audit = await h.call('GET', '/api/audit', { token: t.secretariat });
    expect(audit.body.entries.some((e: { action: string }) => e.action === 'consortium.settings')).toBe(true);
  });
});

describe('an issued document', () => {
  let caseId: string;
  let first: Listed;
  let firstBytes: Uint8Array;

  it('is issued with the award: numbered from the pattern, dated and kept with its SHA-256', async () => {
    caseId = await negotiatedAward('AI議事録作成システム');
    const documents = await listed(caseId);
    const notices = documents.filter((d) => d.kind === 'award');
    expect(notices).toHaveLength(1);
    first = notices[0]!;
    expect(first).toMatchObject({ version: 1, number: expect.stringMatching(/^熊DX協第\d+号$/), url: `/api/cases/${caseId}/documents/award/1.pdf` });
    const res = await h.call('GET', first.url, { token: t.member });
    expect(res.status).toBe(200);
    firstBytes = res.bytes;
    expect(sha256(firstBytes)).toBe(first.sha256);
    expect(res.headers.get('x-document-sha256')).toBe(first.sha256);
    const { text, file } = textOf('award-1.pdf', firstBytes);
    expect(hasDraftStamp(file)).toBe(false);
    expect(text).toContain(first.number);
    expect(text).not.toContain('（案）');
    // dated its issue day, 和暦 first as the settings say
    expect(text).toContain('令和8年4月1日');
    // the PDF's own title names the case beside the notice's, and its language is Japanese
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+随意契約の相手方決定通知書（AI議事録作成システム）/);
  });

  it('downloads as the same bytes later, dated its issue date, whatever changes and whenever asked', async () => {
    h.clock.set('2026-05-20T10:00:00.000+09:00');
    await h.call('PUT', `/api/cases/${caseId}/participants/${t.memberIds[1]}`, { token: t.secretariat, body: { participating: false, options: {} } });
    const again = await h.call('GET', first.url, { token: t.secretariat });
    expect(Buffer.from(again.bytes).equals(Buffer.from(firstBytes))).toBe(true);
    // the case's current-document address gives the latest issue too, not a fresh drawing
    const current = await h.call('GET', `/api/cases/${caseId}/documents/award.pdf`, { token: t.secretariat });
    expect(Buffer.from(current.bytes).equals(Buffer.from(firstBytes))).toBe(true);
  });

  it('is issued again only when its data changed: the same data answers the version already issued', async () => {
    const same = await h.call('POST', `/api/cases/${caseId}/documents/award/issue`, { token: t.secretariat });
    expect(same.status, same.text).toBe(200);
    expect(same.body).toMatchObject({ created: false, document: { version: 1, number: first.number, sha256: first.sha256 } });
    expect((await listed(caseId)).filter((d) => d.kind === 'award')).toHaveLength(1);
  });

  it('gets a new version and the next number after a change, the earlier one still listed and downloadable', async () => {
    await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body: { ...settings, contact: '電話 096-333-2154' } });
    // twenty requests at once issue one version: the others answer it
    const replies = await Promise.all(Array.from({ length: 20 }, () => h.call('POST', `/api/cases/${caseId}/documents/award/issue`, { token: t.secretariat })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(19);
    const notices = (await listed(caseId)).filter((d) => d.kind === 'award');
    expect(notices.map((d) => d.version)).toEqual([1, 2]);
    const second = notices[1]!;
    const n = (s: string) => Number(/第(\d+)号/.exec(s)![1]);
    expect(n(second.number)).toBe(n(first.number) + 1);
    expect(second.sha256).not.toBe(first.sha256);
    expect(new Date(second.issuedAt).getTime()).toBeGreaterThan(new Date(first.issuedAt).getTime());
    const old = await h.call('GET', first.url, { token: t.secretariat });
    expect(sha256(old.bytes)).toBe(first.sha256);
    const { text } = textOf('award-2.pdf', (await h.call('GET', second.url, { token: t.secretariat })).bytes);
    expect(text).toContain(second.number);
    expect(text).toContain('令和8年5月20日');
    // the audit trail records each issue with its number and hash
    const audit = await h.call('GET', `/api/audit?caseId=${caseId}`, { token: t.secretariat });
    const issues = audit.body.entries.filter((e: { action: string }) => e.action === 'document.issue');
    expect(issues.map((e: { details: { sha256: string } }) => e.details.sha256)).toEqual(expect.arrayContaining([first.sha256, second.sha256]));
  });

  it('a draft of the current data is titled （案）, stamped and never numbered', async () => {
    const draft = await h.call('GET', `/api/cases/${caseId}/documents/award.pdf?draft=1`, { token: t.secretariat });
    expect(draft.status).toBe(200);
    const { text } = textOf('award-draft.pdf', draft.bytes);
    expect(text).toContain('（案）');
    expect(text).not.toMatch(/熊DX協第\d+号/);
  });

  it('answers 404 for a version never issued and for another consortium', async () => {
    expect((await h.call('GET', `/api/cases/${caseId}/documents/award/9.pdf`, { token: t.secretariat })).status).toBe(404);
    expect((await h.call('GET', `/api/cases/${caseId}/documents/nothing/1.pdf`, { token: t.secretariat })).status).toBe(404);
    // the public reads issues and never makes one: a spec not issued is not there, and nothing is numbered
    const before = await listed(caseId);
    expect((await h.call('GET', `/api/public/cases/${caseId}`, {})).status).toBe(200);
    for (const name of ['spec.pdf', 'award.pdf']) expect((await h.call('GET', `/api/public/cases/${caseId}/documents/${name}`, {})).status, name).toBe(404);
    expect(await listed(caseId)).toEqual(before);
    const other = await createTenant(h, 'other');
    expect((await h.call('GET', first.url, { token: other.secretariat })).status).toBe(404);
  });

  it('starts the numbering again with a new fiscal year', async () => {
    h.clock.set('2027-04-01T09:00:00.000+09:00');
    const next = await negotiatedAward('電子申請システム');
    const [notice] = (await listed(next)).filter((d) => d.kind === 'award');
    expect(notice!.number).toBe('熊DX協第1号');
    h.clock.set('2026-05-20T10:00:00.000+09:00');
  });
});

describe('the spec as issued at publication', () => {
  it('is a numberless draft before publication, issued at it, and issued again after a change; vendors get the issue only', async () => {
    h.clock.set('2026-05-21T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '文書管理システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-06-30T17:00:00.000+09:00' } });
    const caseId = created.body.case.id as string;
    await h.call('PUT', `/api/cases/${caseId}/spec`, { token: t.secretariat, body: { sections: [{ heading: '業務の目的', body: '文書事務の電子化' }] } });
    const early = await h.call('POST', `/api/cases/${caseId}/documents/spec/issue`, { token: t.secretariat });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_yet');
    expect(await listed(caseId)).toEqual([]);
    const draft = textOf('spec-draft.pdf', (await h.call('GET', `/api/cases/${caseId}/documents/spec.pdf`, { token: t.secretariat })).bytes);
    expect(draft.text).toContain('（案）');
    expect(draft.text).not.toMatch(/熊DX協第\d+号/);

    await putSpec(h, t.secretariat, caseId);
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
    const [v1] = await listed(caseId);
    expect(v1).toMatchObject({ kind: 'spec', version: 1 });
    const vendorCopy = await h.call('GET', `/api/cases/${caseId}/documents/spec.pdf`, { token: t.vendor });
    expect(sha256(vendorCopy.bytes)).toBe(v1!.sha256);
    const publicCopy = await h.call('GET', `/api/public/cases/${caseId}/documents/spec.pdf`, {});
    expect(sha256(publicCopy.bytes)).toBe(v1!.sha256);
    expect(textOf('spec-1.pdf', vendorCopy.bytes).text).not.toContain('（案）');

    // a change after publication is another version; vendors and the public get it, the first stays listed
    h.clock.set('2026-05-25T09:00:00.000+09:00');
    await h.call('PUT', `/api/cases/${caseId}/spec`, { token: t.secretariat, body: { sections: [{ heading: '業務の目的', body: '文書事務の電子化と電子決裁' }], reason: '業務の目的に電子決裁を加えます。' } });
    const versions = await listed(caseId);
    expect(versions.map((d) => d.version)).toEqual([1, 2]);
    expect(sha256((await h.call('GET', `/api/cases/${caseId}/documents/spec.pdf`, { token: t.vendor })).bytes)).toBe(versions[1]!.sha256);
    expect(sha256((await h.call('GET', `/api/cases/${caseId}/documents/spec/1.pdf`, { token: t.vendor })).bytes)).toBe(v1!.sha256);
    expect(textOf('spec-2.pdf', (await h.call('GET', versions[1]!.url, { token: t.vendor })).bytes).text).toContain('令和8年5月25日');
    // a schedule change after publication issues the spec again
    await h.call('PATCH', `/api/cases/${caseId}`, { token: t.secretariat, body: { submissionDeadline: '2026-07-10T17:00:00.000+09:00', reason: '提出期限を延長します。' } });
    expect((await listed(caseId)).map((d) => d.version)).toEqual([1, 2, 3]);
    // data changed but not issued (a body joins): the secretariat's copy is a draft of it, vendors keep the issue
    await h.call('PUT', `/api/cases/${caseId}/participants/${t.memberIds[0]}`, { token: t.secretariat, body: { participating: true, options: {} } });
    const current = textOf('spec-current.pdf', (await h.call('GET', `/api/cases/${caseId}/documents/spec.pdf`, { token: t.secretariat })).bytes);
    expect(current.text).toContain('（案）');
    const latest = (await listed(caseId)).at(-1)!;
    expect(sha256((await h.call('GET', `/api/cases/${caseId}/documents/spec.pdf`, { token: t.vendor })).bytes)).toBe(latest.sha256);
    // the public page names the issue a downloaded copy can be checked against
    const detail = (await h.call('GET', `/api/public/cases/${caseId}`, {})).body.case;
    expect(detail.documents.find((d: { name: string }) => d.name === '仕様書')).toMatchObject({ number: latest.number, version: latest.version, sha256: latest.sha256 });
    expect((await h.call('GET', `/public/cases/${caseId}`, {})).text).toContain(latest.sha256);
    // the award notice is not the vendor's to read from the case's documents
    expect((await h.call('GET', `/api/cases/${caseId}/documents`, { token: t.vendor })).status).toBe(403);
  });
});

describe('the pages', () => {
  it('the settings page shows each setting labelled, refuses a bad pattern in Japanese with what was typed, and saves', async () => {
    const cookie = await h.cookieFor('sec-issue@test.example');
    const page = await h.page(cookie, '/settings');
    expect(page.status).toBe(200);
    for (const label of ['発注者名（協議会の名称）', '発注者の職', '文書番号の形式', '和暦を先に', '公印省略', '入札場所', '執行者', '立会人']) expect(page.text, label).toContain(label);
    expect(page.text).toContain('value="熊DX協第{n}号"');
    const bad = await h.form(cookie, '/settings', { ...settings, documentNumberPattern: '第号', issuerName: '入力した名称' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('{n} を一つだけ');
    expect(bad.text).toContain('value="入力した名称"');
    const ok = await h.form(cookie, '/settings', { ...settings, seal: 'box' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/settings?done=saved');
    expect((await h.call('GET', '/api/consortium/settings', { token: t.secretariat })).body.settings.seal).toBe('box');
  });

  it('the case page lists each issued version with its number and hash, and issues after a confirmation', async () => {
    const cookie = await h.cookieFor('sec-issue@test.example');
    const caseId = await negotiatedAward('介護保険システム');
    const [notice] = await listed(caseId);
    const page = await h.page(cookie, `/cases/${caseId}`);
    for (const text of ['発行済みの文書', notice!.number, notice!.sha256, `/api/cases/${caseId}/documents/award/1.pdf`]) expect(page.text, text).toContain(text);
    const unconfirmed = await h.form(cookie, `/cases/${caseId}/documents/issue`, { kind: 'award' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('確認し、チェックを入れてください');
    const same = await h.form(cookie, `/cases/${caseId}/documents/issue`, { kind: 'award', confirm: 'on' });
    expect(same.status).toBe(303);
    expect(same.headers.get('location')).toContain('done=unchanged');
    // a member sees the list, not the issue form
    const memberPage = await h.page(await h.cookieFor('member-issue@test.example'), `/cases/${caseId}`);
    expect(memberPage.text).toContain(notice!.number);
    expect(memberPage.text).not.toContain('発行する文書');
  });
});
