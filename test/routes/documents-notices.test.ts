import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, assertPdfToolsInstalled, pageTexts, qpdfCheck, rawText } from '../documents/pdf-tools.ts';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { issuerSettingsBody } from '../helpers/issued-documents.ts';

// The award notice (落札決定通知書 …) and the bid tabulation (入札経過調書) as a municipal contracting
// official reads them: addressed, numbered, in 敬体, with amounts that agree with the award; one grid a
// round with every bidder, the lot inline to the millisecond, nobody named 落札者 while an investigation
// holds the award, and the reserved prices published only once the bidding has concluded.

let h: Harness;
let t: Tenant;
const scratch = new Scratch();
const members: string[] = [];
const vendors: { id: string; token: string; name: string }[] = [];

const settings = issuerSettingsBody;

const VENDORS = [
  { name: '株式会社肥後システム', address: '熊本市中央区花畑町4番1号', representative: '代表取締役 山田 太郎' },
  { name: '阿蘇データサービス株式会社', address: '阿蘇市一の宮町宮地100番地', representative: '代表取締役社長 鈴木 次郎' },
  // no address block registered: the notice reads 商号 様
  { name: '天草情報技術合同会社' },
];

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  t = await createTenant(h, 'notice');
  expect((await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body: settings })).status).toBe(200);
  for (const [name, kind, population] of [['熊本県', 'prefecture', 1_700_000], ['熊本市', 'city', 730_000], ['八代市', 'city', 120_000]] as const) {
    const m = await h.call('POST', '/api/members', { token: t.secretariat, body: { name, kind, population } });
    expect(m.status, m.text).toBe(201);
    members.push(m.body.member.id);
  }
  for (const [i, v] of VENDORS.entries()) {
    const created = await h.call('POST', '/api/vendors', { token: t.secretariat, body: v });
    expect(created.status, created.text).toBe(201);
    const email = `notice-v${i}@test.example`;
    expect((await h.call('POST', '/api/users', { token: t.secretariat, body: { email, name: v.name, role: 'vendor', password: PASSWORD, vendorId: created.body.vendor.id } })).status).toBe(201);
    vendors.push({ id: created.body.vendor.id, token: await h.login(email), name: v.name });
  }
});
afterAll(async () => {
  scratch.remove();
  await h.close();
});

let pdfCount = 0;
/** A PDF checked with qpdf: its text in drawing order without whitespace, and each page as laid out. */
function readPdf(bytes: Uint8Array, name: string) {
  const file = scratch.write(`${++pdfCount}-${name}.pdf`, bytes);
  if (process.env.DOCS_OUT) writeFileSync(`${process.env.DOCS_OUT}/${name}.pdf`, bytes);
  qpdfCheck(file);
  return { raw: rawText(file), pages: pageTexts(file) };
}

interface Issued {
  kind: string;
  version: number;
  number: string;
  sha256: string;
  url: string;
}

/** The issued versions of a document, oldest first. */
async function issuedOf(caseId: string, kind: string): Promise<Issued[]> {
  const list = await h.call('GET', `/api/cases/${caseId}/documents`, { token: t.secretariat });
  expect(list.status).toBe(200);
  return (list.body.documents as Issued[]).filter((d) => d.kind === kind);
}

/** The latest issued version of a document, fetched and read. */
async function latest(caseId: string, kind: string, name: string) {
  const versions = await issuedOf(caseId, kind);
  expect(versions.length, `${kind} issued`).toBeGreaterThan(0);
  const doc = versions.at(-1)!;
  const res = await h.call('GET', doc.url, { token: t.secretariat });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return { doc, bytes: res.bytes, ...readPdf(res.bytes, name) };
}

/** The first line of a bidder's grid row in the laid-out text: it starts with the name and holds the receipt date. */
const rowLines = (pages: string[], vendor: string) =>
  pages
    .join('\n')
    .split('\n')
    .filter((line) => line.trim().startsWith(vendor.slice(0, 6)) && /令和\d+年\d+月\d+日/.test(line));

const yen = (text: string) => Number(text.replace(/[,円]/g, ''));

/** A tender of the consortium, its participants sharing the award equally, open for bids until 27 Nov. */
async function tender(title: string, prices: Record<string, unknown>, method = 'competitive_bid', contractMode = 'bulk') {
  h.clock.set('2026-11-16T09:00:00.000+09:00');
  const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title, method, contractMode, fiscalYear: 2026 } });
  expect(created.status, created.text).toBe(201);
  const id = created.body.case.id as string;
  for (const m of members) expect((await h.call('PUT', `/api/cases/${id}/participants/${m}`, { token: t.secretariat, body: { participating: true, options: {} } })).status).toBe(200);
  expect((await h.call('PUT', `/api/cases/${id}/apportionment`, { token: t.secretariat, body: { method: 'population', total: 1_000_000 } })).status).toBe(200);
  const set = await h.call('PUT', `/api/cases/${id}/bidding`, {
    token: t.secretariat,
    body: { ceilingPublic: false, deadlineAt: '2026-11-27T17:00:00.000+09:00', openingAt: '2026-11-30T10:00:00.000+09:00', maxRounds: 2, ...prices },
  });
  expect(set.status, set.text).toBe(200);
  await putSpec(h, t.secretariat, id);
  expect((await h.call('POST', `/api/cases/${id}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
  return id;
}

async function bidAt(caseId: string, vendor: number, at: string, amount: number | 'declined', lotNumber = 1) {
  h.clock.set(at);
  const res =
    amount === 'declined'
      ? await h.call('POST', `/api/cases/${caseId}/bids/decline`, { token: vendors[vendor]!.token })
      : await h.call('POST', `/api/cases/${caseId}/bids`, { token: vendors[vendor]!.token, body: { amount, lotNumber } });
  expect(res.status, res.text).toBe(201);
}

async function open(caseId: string, at = '2026-11-30T10:00:00.000+09:00') {
  h.clock.set(at);
  const res = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: t.secretariat });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/**
 * Sentences of a notice that are not in 敬体: one with である or とする, or one that does not end in
 * です・ます (a closing parenthesis after the verb is set aside).
 */
const plainSentences = (raw: string) =>
  raw
    .split('。')
    .slice(0, -1)
    .map((s) => s.replace(/（[^（）]*）$/, ''))
    .filter((s) => /である|とする/.test(s) || !/(ます|です|ました|でした|ください|ません)$/.test(s));

describe('a tie broken by the lot, then the award', () => {
  let caseId: string;

  it('tabulates one grid with every bidder: the lot inline with receipt times to the millisecond, exactly one 落札 row, no lot number for 辞退', async () => {
    caseId = await tender('庁舎ネットワーク機器保守業務', { ceilingPrice: 5_000_000, floorPrice: 4_000_000 });
    await bidAt(caseId, 0, '2026-11-25T10:00:00.250+09:00', 4_500_000, 123);
    await bidAt(caseId, 1, '2026-11-25T11:00:00.900+09:00', 4_500_000, 500);
    await bidAt(caseId, 2, '2026-11-26T09:30:00.000+09:00', 'declined');
    const opened = await open(caseId);
    // drawn numbers 373 and 400 (くじ番号 + the receipt's milliseconds): 773 mod 2 = 1, the second received
    expect(opened.lot.winnerVendorId).toBe(vendors[1]!.id);

    const { raw, pages } = await latest(caseId, 'bid-tabulation', 'tabulation-tie');
    expect(raw).toContain('入札経過調書');
    // 入札日時・場所, 執行者 and 立会人 as the settings record them
    for (const expected of ['入札日時', '令和8年11月30日10時00分', '入札場所', settings.biddingPlace, '執行者', settings.executorName, '立会人', settings.witnessName]) {
      expect(raw, expected).toContain(expected.replace(/\s+/g, ''));
    }
    // every bidder in the grid, the receipt times to the millisecond
    for (const v of vendors) expect(rowLines(pages, v.name), v.name).toHaveLength(1);
    expect(raw).toContain('10時00分00.250秒');
    expect(raw).toContain('11時00分00.900秒');
    // the lot in the rows it concerns: 受付順, system value → drawn number
    expect(rowLines(pages, vendors[0]!.name)[0]).toMatch(/0：250→373/);
    expect(rowLines(pages, vendors[1]!.name)[0]).toMatch(/1：900→400/);
    expect(raw).toContain('決定番号（くじ番号と受付時刻のミリ秒の和の下3桁）の合計773÷くじの対象者数2＝386余り1');
    // exactly one row marked 落札; the other tied bid lost the lot
    const marked = vendors.filter((v) => rowLines(pages, v.name)[0]!.includes('落札'));
    expect(marked.map((v) => v.name)).toEqual([vendors[1]!.name]);
    expect(rowLines(pages, vendors[1]!.name)[0]).toContain('落札（くじ当選）');
    expect(rowLines(pages, vendors[0]!.name)[0]).toContain('くじ落選');
    expect(rowLines(pages, vendors[0]!.name)[0]).not.toContain('有効 ');
    // 辞退 draws no lot: no lot number 000
    const declined = rowLines(pages, vendors[2]!.name)[0]!;
    expect(declined).toContain('辞退');
    expect(declined).not.toMatch(/\b000\b/);
    expect(raw).toContain(`落札者：${vendors[1]!.name}`);
    // a record in full-width typography: no half-width colon after a label; no 辞退 0者
    expect(raw).toContain('結果：落札者決定／入札者2者、辞退1者');
    expect(raw).not.toMatch(/(結果|落札者|電子くじ|理由):/);
  });

  it('keeps a three-bid round\'s grid on one page, its header and every row together', async () => {
    const { pages } = await latest(caseId, 'bid-tabulation', 'tabulation-tie-pages');
    const withGrid = pages.filter((p) => p.includes('受付日時'));
    expect(withGrid).toHaveLength(1);
    for (const v of vendors) expect(withGrid[0], v.name).toContain(v.name);
  });

  it('notifies the winner: addressed, numbered, signed, 記 with 件名・履行期間・金額・期限, the lot, the shares and 問合せ先, in 敬体', async () => {
    h.clock.set('2026-12-01T09:00:00.000+09:00');
    const award = await h.call('POST', `/api/cases/${caseId}/award`, { token: t.secretariat, body: {} });
    expect(award.status, award.text).toBe(201);
    expect(award.body.award).toMatchObject({ vendorId: vendors[1]!.id, amount: 4_500_000, amountWithTax: 4_950_000 });

    const { doc, raw, pages } = await latest(caseId, 'award', 'award-bid');
    expect(doc.number).toMatch(/^熊DX協第\d+号$/);
    expect(raw).toContain(doc.number);
    // 宛先: 所在地, 商号, 代表者 様, at the left before the issuer
    const text = pages.join('\n');
    expect(raw).toContain('阿蘇市一の宮町宮地100番地阿蘇データサービス株式会社代表取締役社長鈴木次郎様');
    expect(text.indexOf('阿蘇データサービス株式会社')).toBeLessThan(text.indexOf(settings.issuerName));
    // 発注者 with 職 and 氏名, the seal omitted
    expect(raw).toContain('熊本県市町村DX推進協議会会長熊本県知事木村敬（公印省略）');
    expect(raw).toContain('落札決定通知書');
    expect(raw).toContain('令和8年11月30日に執行した入札について、下記のとおり貴社を落札者と決定したので通知します。');
    expect(raw).toMatch(/通知します。記1件名庁舎ネットワーク機器保守業務2履行期間契約締結の日から令和9年3月31日まで3落札金額/);
    // 税抜, 消費税額 and 税込 as the award has them, adding up
    const amounts = raw.match(/3落札金額.*?（税込）([\d,]+円)([\d,]+円)([\d,]+円)/);
    expect(amounts, raw).not.toBeNull();
    const [net, tax, gross] = amounts!.slice(1).map(yen);
    expect([net, tax, gross]).toEqual([4_500_000, 450_000, 4_950_000]);
    expect(net! + tax!).toBe(gross);
    expect(raw).toContain('4契約締結の期限この通知の日から起算して7日以内に契約を締結してください。');
    // the lot that decided it
    expect(raw).toContain('電子くじにより落札者を決定しました');
    // the bidders counted as the tabulation counts them (入札者 2者、辞退 1者), not 3 with the 辞退 inside
    expect(raw).toContain('5決定の経緯入札者2者（ほかに辞退1者）により1回の入札を行いました。');
    // each member's share: 税抜, 消費税額, 税込 summing to the award
    const shares = [...raw.matchAll(/(熊本県|熊本市|八代市)([\d,]+円)([\d,]+円)([\d,]+円)/g)].map((m) => m.slice(2).map(yen));
    expect(shares).toHaveLength(3);
    for (const [n, x, g] of shares) expect(n! + x!).toBe(g);
    expect(shares.reduce((a, s) => a + s[0]!, 0)).toBe(4_500_000);
    expect(shares.reduce((a, s) => a + s[1]!, 0)).toBe(450_000);
    expect(shares.reduce((a, s) => a + s[2]!, 0)).toBe(4_950_000);
    expect(raw).toContain('合計4,500,000円450,000円4,950,000円');
    // 問合せ先 at the foot, after 以上
    expect(raw).toMatch(/以上【問合せ先】熊本県企画振興部デジタル戦略局所在地熊本市中央区水前寺6丁目18番1号電話096-333-2153/);
    expect(plainSentences(raw)).toEqual([]);
  });

  it('serves the issued notice byte for byte, again and after the data behind it changes', async () => {
    const [first] = await issuedOf(caseId, 'award');
    const a = await h.call('GET', first!.url, { token: t.secretariat });
    const b = await h.call('GET', first!.url, { token: t.member });
    expect(b.status).toBe(200);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    // the winner moves and the consortium renames its 発注者: the issued version stays as issued
    expect((await h.call('PATCH', `/api/vendors/${vendors[1]!.id}`, { token: t.secretariat, body: { address: '阿蘇市内牧1番地' } })).status).toBe(200);
    expect((await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body: { ...settings, issuerPerson: '後任 花子' } })).status).toBe(200);
    const c = await h.call('GET', first!.url, { token: t.secretariat });
    expect(Buffer.from(c.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(c.headers.get('x-document-sha256')).toBe(first!.sha256);
    const text = readPdf(c.bytes, 'award-bid-again').raw;
    expect(text).toContain('阿蘇市一の宮町宮地100番地');
    expect(text).not.toContain('後任');
    // issued again, the next version takes the new address under the next number
    const again = await h.call('POST', `/api/cases/${caseId}/documents/award/issue`, { token: t.secretariat });
    expect(again.status).toBe(201);
    expect(again.body.document.version).toBe(2);
    expect(again.body.document.number).not.toBe(first!.number);
    expect(readPdf((await h.call('GET', again.body.document.url, { token: t.secretariat })).bytes, 'award-bid-v2').raw).toContain('阿蘇市内牧1番地');
    expect((await h.call('PUT', '/api/consortium/settings', { token: t.secretariat, body: settings })).status).toBe(200);
  });
});

describe('the attachment (別紙) of a notice for many bodies', () => {
  it('keeps the shares and the member × option table each whole on a page, not split under a repeated header', async () => {
    h.clock.set('2026-11-16T09:00:00.000+09:00');
    const options = ['導入支援', '追加ID', 'LGWAN接続', '操作研修', 'ヘルプデスク', 'データ移行'].map((name, i) => ({ code: `o${i}`, name, price: 10_000 }));
    const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '電子契約システム共同利用業務', method: 'competitive_bid', contractMode: 'bulk', fiscalYear: 2026, options } });
    expect(created.status, created.text).toBe(201);
    const id = created.body.case.id as string;
    const bodies = [...members];
    for (let i = 1; i <= 9; i++) {
      const m = await h.call('POST', '/api/members', { token: t.secretariat, body: { name: `共同利用町${i}`, kind: 'town', population: 5_000 + i } });
      expect(m.status, m.text).toBe(201);
      bodies.push(m.body.member.id);
    }
    for (const [i, m] of bodies.entries()) expect((await h.call('PUT', `/api/cases/${id}/participants/${m}`, { token: t.secretariat, body: { participating: true, options: { [`o${i % 6}`]: true } } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${id}/apportionment`, { token: t.secretariat, body: { method: 'population', total: 1_000_000 } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${id}/bidding`, { token: t.secretariat, body: { ceilingPublic: false, ceilingPrice: 30_000_000, deadlineAt: '2026-11-27T17:00:00.000+09:00', openingAt: '2026-11-30T10:00:00.000+09:00' } })).status).toBe(200);
    await putSpec(h, t.secretariat, id);
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
    await bidAt(id, 0, '2026-11-25T10:00:00.000+09:00', 25_000_000, 5);
    await open(id);
    h.clock.set('2026-12-01T09:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${id}/award`, { token: t.secretariat, body: {} })).status).toBe(201);
    const { pages } = await latest(id, 'award', 'award-many-bodies');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // each table's header row is printed once: no table continues onto a further page
    expect(pages.filter((p) => /参加団体\s+負担額（税抜）/.test(p))).toHaveLength(1);
    expect(pages.filter((p) => /団体名\s+区分\s+①/.test(p))).toHaveLength(1);
    const memberPage = pages.find((p) => /団体名\s+区分\s+①/.test(p))!;
    for (let i = 1; i <= 9; i++) expect(memberPage, `共同利用町${i}`).toMatch(new RegExp(`共同利用町${i}\\s`));
  });
});

describe('a round of many bidders', () => {
  it('keeps the grid whole on one page, moving it to a page of its own rather than splitting it', async () => {
    const caseId = await tender('令和8年度 熊本県市町村共同利用 電子申請・施設予約・公金収納システム構築及び運用保守業務', { ceilingPrice: 9_000_000 });
    const names: string[] = [];
    for (let i = 1; i <= 9; i++) {
      const name = `紙入札テスト事業者${i}号株式会社`;
      const created = await h.call('POST', '/api/vendors', { token: t.secretariat, body: { name } });
      expect(created.status).toBe(201);
      h.clock.set(`2026-11-2${i % 7}T10:00:00.000+09:00`);
      const paper = await h.call('POST', `/api/cases/${caseId}/bids/paper`, {
        token: t.secretariat,
        body: { vendorId: created.body.vendor.id, amount: 8_000_000 + i * 10_000, lotNumber: i, receivedAt: `2026-11-20T09:00:0${i}.00${i}+09:00` },
      });
      expect(paper.status, paper.text).toBe(201);
      names.push(name);
    }
    expect((await open(caseId)).outcome).toBe('awarded');
    const { pages } = await latest(caseId, 'bid-tabulation', 'tabulation-many');
    const withGrid = pages.filter((p) => p.includes('受付日時'));
    expect(withGrid).toHaveLength(1);
    for (const name of names) expect(withGrid[0], name).toContain(name.slice(0, 8));
  });
});

describe('a low bid investigated, then rejected', () => {
  let caseId: string;

  it('names no 落札者 while the investigation holds the award, and prints no reserved price', async () => {
    caseId = await tender('住民情報システム運用支援業務', { ceilingPrice: 8_765_432, floorPrice: 5_432_198, investigationPrice: 6_789_012 });
    await bidAt(caseId, 0, '2026-11-25T10:00:00.000+09:00', 6_000_000, 11);
    await bidAt(caseId, 1, '2026-11-25T10:30:00.000+09:00', 7_000_000, 22);
    await bidAt(caseId, 2, '2026-11-25T11:00:00.000+09:00', 7_500_000, 33);
    expect((await open(caseId)).outcome).toBe('investigation');

    const { raw, pages } = await latest(caseId, 'bid-tabulation', 'tabulation-investigation');
    expect(raw).toContain('低入札価格調査中（落札保留）');
    expect(raw).not.toContain('落札者');
    // a record in 常体, saying why it is not final, and no 辞退 0者
    expect(raw).toContain('この調書は入札の途中経過である（低入札価格調査中のため）。予定価格・最低制限価格・低入札価格調査基準価格は、入札の終了後に記載して公表する。');
    expect(raw).toContain('低入札価格調査の結果が出るまで、落札の決定を保留している。');
    expect(raw).toContain('結果：低入札価格調査中（落札保留）／入札者3者');
    expect(raw).not.toMatch(/です。|ます。|辞退0者/);
    for (const v of vendors) expect(rowLines(pages, v.name)[0], v.name).not.toMatch(/落札/);
    expect(rowLines(pages, vendors[0]!.name)[0]).toContain('保留（低入札価格調査中）');
    for (const secret of ['8,765,432', '5,432,198', '6,789,012']) expect(raw, secret).not.toContain(secret);
    expect(raw).toContain('事後公表');
  });

  it('tabulates the rejection and the new winner, and the notice tells the fact without naming the rejected bidder', async () => {
    h.clock.set('2026-11-30T15:00:00.000+09:00');
    const decided = await h.call('POST', `/api/cases/${caseId}/bids/investigation`, { token: t.secretariat, body: { confirm: false, reason: '積算内訳の説明が不十分' } });
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.outcome).toBe('awarded');
    const tab = await latest(caseId, 'bid-tabulation', 'tabulation-rejected');
    expect(tab.doc.version).toBe(2);
    expect(rowLines(tab.pages, vendors[0]!.name)[0]).toContain('失格（低入札価格調査）');
    expect(rowLines(tab.pages, vendors[1]!.name)[0]).toContain('落札');
    expect(tab.raw).toContain(`低入札価格調査（令和8年11月30日）：${vendors[0]!.name}の入札を失格（理由：積算内訳の説明が不十分）`);
    for (const shown of ['8,765,432円', '5,432,198円', '6,789,012円']) expect(tab.raw, shown).toContain(shown);

    h.clock.set('2026-12-01T09:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/award`, { token: t.secretariat, body: {} })).status).toBe(201);
    const { raw } = await latest(caseId, 'award', 'award-rejected');
    expect(raw).toContain('低入札価格調査の結果、最低価格の入札を失格としました。');
    expect(raw).not.toContain(vendors[0]!.name);
    expect(raw).not.toContain('電子くじ');
    expect(plainSentences(raw)).toEqual([]);
  });
});

describe('a re-bid', () => {
  it('draws the tabulation between the rounds without the 予定価格 or any other reserved price', async () => {
    const caseId = await tender('公用車管理システム導入業務', { ceilingPrice: 3_210_987, floorPrice: 2_468_013 });
    await bidAt(caseId, 0, '2026-11-25T10:00:00.000+09:00', 3_300_000);
    await bidAt(caseId, 1, '2026-11-25T10:05:00.000+09:00', 3_400_000);
    await bidAt(caseId, 2, '2026-11-25T10:10:00.000+09:00', 'declined');
    expect((await open(caseId)).outcome).toBe('rebid');
    const issued = await latest(caseId, 'bid-tabulation', 'tabulation-rebid');
    const round2 = await h.call('POST', `/api/cases/${caseId}/bids/rounds`, { token: t.secretariat, body: { deadlineAt: '2026-12-02T17:00:00.000+09:00', openingAt: '2026-12-03T10:00:00.000+09:00' } });
    expect(round2.status, round2.text).toBe(201);
    const draft = await h.call('GET', `/api/cases/${caseId}/documents/bid-tabulation.pdf?draft=1`, { token: t.secretariat });
    for (const { raw, pages } of [issued, readPdf(draft.bytes, 'tabulation-rebid-draft')]) {
      for (const secret of ['3,210,987', '3210987', '2,468,013', '2468013']) expect(raw, secret).not.toContain(secret);
      expect(raw).toContain('予定価格事後公表');
      expect(raw).toContain('再度入札');
      expect(raw).toContain('この調書は入札の途中経過である（第2回の再度入札を行うため）。');
      expect(raw).not.toMatch(/です。|ます。/);
      for (const v of vendors.slice(0, 2)) expect(rowLines(pages, v.name)[0]).toContain('予定価格超過');
      expect(raw).not.toContain('落札者');
    }
  });
});

describe('a 見積合わせ', () => {
  it('is tabulated as quotes and notified as a 見積合わせ結果通知書, naming no 落札', async () => {
    const caseId = await tender('窓口用タブレット端末賃貸借', { ceilingPrice: 1_200_000 }, 'quotation');
    await bidAt(caseId, 0, '2026-11-25T10:00:00.000+09:00', 1_150_000);
    await bidAt(caseId, 1, '2026-11-25T10:30:00.000+09:00', 1_100_000);
    expect((await open(caseId)).outcome).toBe('awarded');
    const tab = await latest(caseId, 'bid-tabulation', 'tabulation-quotation');
    expect(tab.raw).toContain('見積合わせ経過調書');
    expect(tab.raw).toContain('見積金額（税抜）');
    expect(rowLines(tab.pages, vendors[1]!.name)[0]).toMatch(/決定\s*$/);
    expect(tab.raw).not.toContain('落札');
    // quotations are opened (開封), not 開札
    expect(tab.raw).toContain('見積合わせ日時（開封）');
    expect(tab.raw).not.toContain('開札');
    h.clock.set('2026-12-01T09:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/award`, { token: t.secretariat, body: {} })).status).toBe(201);
    const { raw } = await latest(caseId, 'award', 'award-quotation');
    expect(raw).toContain('見積合わせ結果通知書');
    expect(raw).toContain('令和8年11月30日に実施した見積合わせについて、下記のとおり貴社の見積を採用し、貴社を契約の相手方と決定したので通知します。');
    expect(raw).toContain('3決定金額');
    expect(raw).toContain('1,100,000円110,000円1,210,000円');
    expect(raw).not.toContain('落札');
    expect(plainSentences(raw)).toEqual([]);
  });
});

describe('a proposal', () => {
  it('notifies a 契約候補者 heading into a 随意契約: 契約候補者特定通知書, the price as a reference, no 落札', async () => {
    h.clock.set('2026-09-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '窓口DX支援システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2027, submissionDeadline: '2026-09-10T17:00:00.000+09:00' } });
    const id = created.body.case.id as string;
    for (const m of members) await h.call('PUT', `/api/cases/${id}/participants/${m}`, { token: t.secretariat, body: { participating: true, options: {} } });
    expect((await h.call('PUT', `/api/cases/${id}/apportionment`, { token: t.secretariat, body: { method: 'equal', total: 3_000_000 } })).status).toBe(200);
    await putSpec(h, t.secretariat, id);
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${id}/proposal`, { token: vendors[0]!.token, body: { price: 3_000_000 } })).status).toBe(200);
    const me = await h.call('GET', '/api/me', { token: t.evaluator });
    const setup = await h.call('PUT', `/api/cases/${id}/evaluation`, {
      token: t.secretariat,
      body: { criteria: [{ code: 'func', name: '機能', maxPoints: 100, mode: 'points' }], aggregation: 'average', evaluatorIds: [me.body.user.id], reason: '評価基準を定めます。' },
    });
    expect(setup.status, setup.text).toBe(200);
    h.clock.set('2026-09-11T09:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: t.secretariat, body: { to: 'evaluation' } })).status).toBe(200);
    await h.call('POST', `/api/cases/${id}/evaluation/coi`, { token: t.evaluator, body: { conflict: false } });
    const listed = (await h.call('GET', `/api/cases/${id}/evaluation/proposals`, { token: t.evaluator })).body.proposals as { ref: string }[];
    for (const { ref } of listed) {
      await h.call('PUT', `/api/cases/${id}/evaluation/sheets/${ref}`, { token: t.evaluator, body: { scores: { func: 80 } } });
      await h.call('POST', `/api/cases/${id}/evaluation/sheets/${ref}/submit`, { token: t.evaluator });
    }
    expect((await h.call('POST', `/api/cases/${id}/evaluation/close`, { token: t.secretariat })).status).toBe(200);
    h.clock.set('2026-09-14T09:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${id}/award`, { token: t.secretariat, body: {} })).status).toBe(201);

    const { raw } = await latest(id, 'award', 'award-proposal');
    expect(raw).toContain('契約候補者特定通知書');
    expect(raw).toContain('株式会社肥後システム代表取締役山田太郎様');
    expect(raw).toContain('下記のとおり貴社を契約候補者（優先交渉権者）として特定したので通知します。');
    expect(raw).toContain('随意契約により契約を締結します');
    expect(raw).toContain('3提案価格（参考）');
    expect(raw).toContain('3,000,000円300,000円3,300,000円');
    expect(raw).toContain('契約金額は、随意契約の協議により決定します。');
    // the award precedes its fiscal year: the period is that whole year
    expect(raw).toContain('2履行期間令和9年4月1日から令和10年3月31日まで');
    expect(raw).toContain('参加団体ごとの負担額（見込み）');
    expect(raw).toContain('合計3,000,000円300,000円3,300,000円');
    expect(raw).not.toContain('落札');
    expect(raw).not.toContain('決定した事業者');
    expect(plainSentences(raw)).toEqual([]);
  });
});

describe('a 随意契約 with a vendor that registered no address', () => {
  it('is a 随意契約の相手方決定通知書 addressed to 商号 様, citing the ground', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', {
      token: t.secretariat,
      body: { title: '既存基幹システム改修業務', method: 'negotiated', negotiatedGround: '2', negotiatedReason: '既存システムの著作権を有する事業者以外に改修を行える者がないため', contractMode: 'individual', fiscalYear: 2026 },
    });
    const id = created.body.case.id as string;
    for (const m of members) await h.call('PUT', `/api/cases/${id}/participants/${m}`, { token: t.secretariat, body: { participating: true, options: {} } });
    expect((await h.call('PUT', `/api/cases/${id}/apportionment`, { token: t.secretariat, body: { method: 'equal', total: 1_000_000 } })).status).toBe(200);
    const award = await h.call('POST', `/api/cases/${id}/award`, { token: t.secretariat, body: { vendorId: vendors[2]!.id, amount: 1_000_001 } });
    expect(award.status, award.text).toBe(201);
    const { raw } = await latest(id, 'award', 'award-negotiated');
    expect(raw).toContain('随意契約の相手方決定通知書');
    expect(raw).toContain('天草情報技術合同会社様熊本県市町村DX推進協議会');
    expect(raw).toContain('地方自治法施行令第167条の2第1項第2号の規定により、貴社を随意契約の相手方と決定したので通知します。');
    expect(raw).toContain('3契約予定金額');
    expect(raw).toContain('1,000,001円100,000円1,100,001円');
    // a contract per body, each taxed on its own: the notice says why the sum differs from the award
    expect(raw).toContain('契約は参加団体ごとに締結し');
    // 5 随意契約の理由 in sentences: the ground with its subject, the reason after a full-width colon
    expect(raw).toContain('5随意契約の理由本件は、地方自治法施行令第167条の2第1項第2号（性質又は目的が競争入札に適しないとき）に該当します。理由：既存システムの著作権');
    expect(plainSentences(raw)).toEqual([]);
  });
});

describe('the address block of a vendor', () => {
  it('is registered, answered and changed through the API, with Japanese messages for what is refused', async () => {
    const got = await h.call('GET', `/api/vendors/${vendors[0]!.id}`, { token: vendors[0]!.token });
    expect(got.body.vendor).toMatchObject({ address: VENDORS[0]!.address, representative: VENDORS[0]!.representative });
    const own = await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: vendors[0]!.token, body: { representative: '代表取締役 山田 一郎' } });
    expect(own.status, own.text).toBe(200);
    expect(own.body.vendor).toMatchObject({ address: VENDORS[0]!.address, representative: '代表取締役 山田 一郎' });
    expect((await h.call('PATCH', `/api/vendors/${vendors[1]!.id}`, { token: vendors[0]!.token, body: { representative: 'x' } })).status).toBe(404);
    expect((await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.member, body: { representative: 'x' } })).status).toBe(403);
    const long = await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.secretariat, body: { address: 'あ'.repeat(201) } });
    expect(long.status).toBe(400);
    expect(long.body.error.details[0]).toMatchObject({ path: 'address', message: '所在地は200文字以内にしてください' });
    const broken = await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.secretariat, body: { representative: '代表\n取締役' } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details[0].message).toBe('代表者の役職・氏名に改行や制御文字は使えません');
    expect((await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.secretariat, body: { fax: '1' } })).status).toBe(400);
    // nothing to change is a refusal naming what may be changed, not a server error
    const empty = await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.secretariat, body: {} });
    expect(empty.status, empty.text).toBe(400);
    expect(empty.body.error.details[0].message).toBe('変更する項目（所在地・代表者）を指定してください');
    const cleared = await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.secretariat, body: { representative: '' } });
    expect(cleared.body.vendor.representative).toBeNull();
    await h.call('PATCH', `/api/vendors/${vendors[0]!.id}`, { token: t.secretariat, body: { representative: VENDORS[0]!.representative } });

    const registered = await h.call('POST', '/api/vendors/register', {
      body: { consortiumId: t.consortiumId, companyName: '球磨ソフト株式会社', address: '人吉市麓町1番地', representative: '代表取締役 球磨 三郎', email: 'kuma@test.example', name: '担当', password: PASSWORD },
    });
    expect(registered.status, registered.text).toBe(201);
    expect(registered.body.vendor).toMatchObject({ address: '人吉市麓町1番地', representative: '代表取締役 球磨 三郎', qualification: 'pending' });
  });

  it('is shown and changed on the vendors page and entered on the registration page', async () => {
    const cookie = await h.cookieFor('sec-notice@test.example');
    const page = await h.page(cookie, '/vendors');
    expect(page.text).toContain(VENDORS[0]!.address);
    expect(page.text).toContain(`<label for="address-${vendors[2]!.id}">所在地</label>`);
    const saved = await h.form(cookie, `/vendors/${vendors[2]!.id}/details`, { address: '天草市東浜町8番1号', representative: '代表社員 天草 四郎' });
    expect(saved.status).toBe(303);
    expect((await h.call('GET', `/api/vendors/${vendors[2]!.id}`, { token: t.secretariat })).body.vendor).toMatchObject({ address: '天草市東浜町8番1号', representative: '代表社員 天草 四郎' });
    const refused = await h.form(cookie, `/vendors/${vendors[2]!.id}/details`, { address: 'い'.repeat(201), representative: '代表社員 天草 四郎' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('所在地は200文字以内にしてください');
    const register = await h.call('GET', '/register');
    expect(register.text).toContain('<label for="address">');
    expect(register.text).toContain('<label for="representative">');
  });
});
