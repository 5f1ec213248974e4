import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch } from '../documents/pdf-tools.ts';
import { type Harness, OPERATOR, PASSWORD, createHarness, putSpec } from '../helpers/harness.ts';
import { expectUnchanged, issuedDocuments } from '../helpers/issued-documents.ts';

// 熊本県 and 長野県 of the source document (自治体DX推進参考事例集 4.共同調達), run through the whole cycle:
// the survey that decides, the selection, the award, the contracts and the fiscal years after it.

let h: Harness;
let scratch: Scratch;
beforeAll(async () => {
  h = await createHarness();
  scratch = new Scratch();
});
afterAll(async () => {
  await h.close();
  scratch.remove();
});

interface Share {
  memberId: string;
  memberName: string;
  base: number;
  amount: number;
  amountWithTax: number;
}

async function consortium(name: string, label: string) {
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  const res = await h.call('POST', '/api/consortia', {
    token: operator,
    body: { name, secretariat: { email: `sec-${label}@cycle.example`, name: `${name} 事務局`, password: PASSWORD } },
  });
  expect(res.status, res.text).toBe(201);
  return h.login(`sec-${label}@cycle.example`);
}

function checkDigit(first5: string) {
  const sum = [6, 5, 4, 3, 2].reduce((acc, w, i) => acc + w * Number(first5[i]), 0);
  return (11 - (sum % 11)) % 10;
}

type MemberRow = [name: string, kind: string, code5: string, births?: Record<string, number>];

/** Imports (or updates) the member list through the CSV endpoint, as the secretariat does from Excel. */
async function importMembers(token: string, rows: MemberRow[], encoding: 'utf8' | 'cp932' = 'utf8') {
  const years = [...new Set(rows.flatMap(([, , , births]) => Object.keys(births ?? {})))].sort();
  const lines = [['団体名', '区分', '団体コード', '人口', ...years.map((y) => `出生数_${y}`)].join(',')];
  for (const [name, kind, code5, births] of rows) lines.push([name, kind, code5 + checkDigit(code5), '', ...years.map((y) => births?.[y] ?? '')].join(','));
  const text = lines.join('\r\n');
  const body = encoding === 'cp932' ? new Uint8Array(iconv.encode(text, 'cp932')) : new TextEncoder().encode(text);
  const res = await h.call('POST', '/api/members/import', { token, body, headers: { 'content-type': 'text/csv' } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.errors).toEqual([]);
  const list = await h.call('GET', '/api/members', { token });
  return new Map<string, string>(list.body.members.map((m: { name: string; id: string }) => [m.name, m.id]));
}

async function put(token: string, path: string, body: unknown, status = 200) {
  const res = await h.call('PUT', path, { token, body });
  expect(res.status, res.text).toBe(status);
  return res.body;
}

async function post(token: string, path: string, body: unknown, status = 200) {
  const res = await h.call('POST', path, { token, body });
  expect(res.status, res.text).toBe(status);
  return res.body;
}

const year = async (token: string, caseId: string, fiscalYear: number) => {
  const res = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=${fiscalYear}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body as { fiscalYear: number; total: number; sum: number; closed: boolean; shares: Share[] };
};
const sumOf = (shares: readonly Share[], key: 'amount' | 'base' | 'amountWithTax' = 'amount') => shares.reduce((a, s) => a + s[key], 0);

describe('熊本県: AI議事録作成システム, 随意契約, the prefecture contracts for all and charges 負担金 per 市・町・村', () => {
  const cities: [string, string][] = [['熊本市', '43100'], ['八代市', '43202'], ['人吉市', '43203'], ['荒尾市', '43204'], ['水俣市', '43205'], ['玉名市', '43206'], ['山鹿市', '43208'], ['菊池市', '43210'], ['宇土市', '43211'], ['上天草市', '43212'], ['宇城市', '43213'], ['阿蘇市', '43214'], ['天草市', '43215'], ['合志市', '43216']];
  const towns: [string, string][] = [['美里町', '43348'], ['玉東町', '43364'], ['南関町', '43367'], ['長洲町', '43368'], ['和水町', '43369'], ['大津町', '43403'], ['菊陽町', '43404'], ['南小国町', '43423'], ['小国町', '43424'], ['高森町', '43428'], ['御船町', '43441'], ['嘉島町', '43442'], ['益城町', '43443'], ['甲佐町', '43444'], ['山都町', '43447'], ['氷川町', '43468'], ['芦北町', '43482'], ['津奈木町', '43484'], ['錦町', '43501'], ['多良木町', '43505'], ['湯前町', '43506'], ['あさぎり町', '43514'], ['苓北町', '43531']];
  const villages: [string, string][] = [['産山村', '43425'], ['西原村', '43432'], ['南阿蘇村', '43433'], ['水上村', '43507'], ['相良村', '43510'], ['五木村', '43511'], ['山江村', '43512'], ['球磨村', '43513']];
  // R5: 12団体 (県, 6市, 3町, 2村); R6: 14団体 (2団体追加)
  const r5 = ['熊本県', '熊本市', '八代市', '人吉市', '荒尾市', '玉名市', '合志市', '菊陽町', '大津町', '高森町', '西原村', '産山村'];
  // prices per kind agreed with the vendor in advance (illustrative; they make the seed's 7,020千円 for R5):
  // 県 2,340,000 + 6 × 540,000 + 3 × 360,000 + 2 × 180,000 = 7,020,000
  const tierPrices = { prefecture: 2_340_000, city: 540_000, town: 360_000, village: 180_000 };

  it('decides the case from the August survey, contracts by 随意契約 at 7,020千円 for R5, and charges R6 to 14 bodies without touching R5', async () => {
    const token = await consortium('熊本県・市町村電子自治体共同運営協議会', 'kumamoto');
    const ids = await importMembers(token, [['熊本県', '都道府県', '43000'], ...cities.map(([n, c]) => [n, '市', c] as MemberRow), ...towns.map(([n, c]) => [n, '町', c] as MemberRow), ...villages.map(([n, c]) => [n, '村', c] as MemberRow)], 'cp932');
    // the member list arrives as Excel saves it in Japan: Shift_JIS
    expect(ids.size).toBe(46);

    // 8月の参加意向調査: 12 of 46 intend to join (26%, at the 1/4 line); 芦北町 is only studying it
    const survey = (await post(token, '/api/surveys', { title: '令和5年度 共同運用システム参加意向調査', candidates: [{ code: 'ai-minutes', name: 'AI議事録作成システム' }], points: [1], threshold: 0.25 }, 201)).survey;
    for (const name of r5) await put(token, `/api/surveys/${survey.id}/responses/${ids.get(name)}`, { intents: { 'ai-minutes': 'join' } });
    await put(token, `/api/surveys/${survey.id}/responses/${ids.get('芦北町')}`, { intents: { 'ai-minutes': 'study' } });

    // the candidate becomes a 随意契約 case in one step, its 12 "join" answers as provisional participants
    const created = await post(
      token,
      `/api/surveys/${survey.id}/candidates/ai-minutes/case`,
      { title: 'AI議事録作成システム共同調達', method: 'negotiated', contractMode: 'bulk', fiscalYear: 2023, negotiatedGround: '2', negotiatedReason: '県が提案したシステムを市・町・村別にあらかじめ決めた価格で共同利用するため' },
      201,
    );
    const caseId = created.case.id as string;
    expect(created.case).toMatchObject({ method: 'negotiated', negotiatedGround: '2', state: 'draft' });
    const participants = (await h.call('GET', `/api/cases/${caseId}/participants`, { token })).body.participants;
    expect(participants.filter((p: { participating: boolean }) => p.participating).map((p: { memberName: string }) => p.memberName).sort()).toEqual([...r5].sort());
    expect(participants.every((p: { provisional: boolean }) => p.provisional)).toBe(true);
    const casePage = await h.page(await h.cookieFor('sec-kumamoto@cycle.example'), `/cases/${caseId}`);
    expect(casePage.text).toContain(`<a href="/surveys/${survey.id}">意向調査</a>の候補から作成`);

    // the prefecture signs for all; prices per 市・町・村
    await put(token, `/api/cases/${caseId}/contract-party`, { memberId: ids.get('熊本県') });
    const priced = await put(token, `/api/cases/${caseId}/apportionment`, { method: 'tier', tierPrices });
    expect(priced.total).toBe(7_020_000);

    // the award's amount is the one the prices give: another amount is refused, nothing is recorded
    const vendor = (await post(token, '/api/vendors', { name: '株式会社アドバンスト・メディア', corporateNumber: '4011001040781' }, 201)).vendor;
    const wrong = await h.call('POST', `/api/cases/${caseId}/award`, { token, body: { vendorId: vendor.id, amount: 7_000_000 } });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({ code: 'amount_mismatch', details: { computed: 7_020_000 } });
    expect((await h.call('GET', `/api/cases/${caseId}`, { token })).body.case.state).toBe('draft');
    const award = await post(token, `/api/cases/${caseId}/award`, { vendorId: vendor.id }, 201);
    expect(award.award).toMatchObject({ vendorId: vendor.id, amount: 7_020_000, amountWithTax: 7_722_000, basis: 'negotiated' });

    // the 随意契約 notice is issued with the award: numbered, addressed, with the 12 bodies it issued
    await put(token, '/api/consortium/settings', { issuerName: '熊本県・市町村電子自治体共同運営協議会', issuerTitle: '会長 熊本県知事', issuerPerson: '木村 敬', address: '熊本市中央区水前寺6丁目18番1号', department: '熊本県 企画振興部 デジタル戦略局', contact: '電話 096-333-2153', documentNumberPattern: '熊電協第{n}号', era: 'wareki' });
    const reissued = await h.call('POST', `/api/cases/${caseId}/documents/award/issue`, { token });
    // issued with the award before the settings changed: the settings are data, so a new version takes them
    expect(reissued.status, reissued.text).toBe(201);
    const issued = await issuedDocuments(h, scratch, caseId, token);
    const notices = issued.filter((d) => d.kind === 'award');
    expect(notices.map((d) => d.version)).toEqual([1, 2]);
    expect(notices[1]!.number).toBe('熊電協第2号');
    expect(notices[1]!.text).toContain('会長熊本県知事');
    for (const copy of notices) {
      expect(copy.text).toContain('AI議事録作成システム共同調達');
      expect(copy.text).toContain('株式会社アドバンスト・メディア');
      expect(copy.text).toContain('地方自治法施行令第167条の2第1項第2号');
    }

    // R5 is issued with the award: one contract by the prefecture, 12 負担金 adding up to it, with tax too
    const r5Shares = await year(token, caseId, 2023);
    expect(r5Shares).toMatchObject({ closed: true, total: 7_020_000, sum: 7_020_000 });
    expect(r5Shares.shares).toHaveLength(12);
    const contractsR5 = (await h.call('GET', `/api/cases/${caseId}/contracts`, { token })).body;
    expect(contractsR5.contracts).toHaveLength(1);
    const bulk = contractsR5.contracts[0];
    expect(bulk).toMatchObject({ kind: 'bulk', partyMemberId: ids.get('熊本県'), partyName: '熊本県', vendorId: vendor.id, fiscalYear: 2023, amount: 7_020_000, amountWithTax: 7_722_000 });
    expect(bulk.charges).toHaveLength(12);
    expect(bulk.charges.reduce((a: number, c: { amountWithTax: number }) => a + c.amountWithTax, 0)).toBe(7_722_000);
    expect(bulk.charges.find((c: { memberId: string }) => c.memberId === ids.get('高森町'))).toMatchObject({ amount: 360_000, amountWithTax: 396_000 });

    // published as a 随意契約 with its legal ground, and so in OCDS
    const pub = await h.call('GET', `/api/public/cases/${caseId}`, {});
    expect(pub.status).toBe(200);
    expect(JSON.stringify(pub.body)).toContain('地方自治法施行令第167条の2第1項第2号');
    const ocds = (await h.call('GET', `/api/cases/${caseId}/ocds`, { token })).body;
    const tender = ocds.releases.map((r: { tender?: { procurementMethod?: string; procurementMethodDetails?: string } }) => r.tender).find((t?: { procurementMethod?: string }) => t?.procurementMethod);
    expect(tender.procurementMethod).toBe('limited');
    expect(tender.procurementMethodDetails).toContain('第167条の2第1項第2号');

    // R6: 芦北町 and 五木村 join after the award: from the next fiscal year, never into R5
    for (const name of ['芦北町', '五木村']) {
      const joined = await put(token, `/api/cases/${caseId}/participants/${ids.get(name)}`, { participating: true, options: {} });
      expect(joined.participant).toMatchObject({ lateJoin: true, fromFiscalYear: 2024 });
    }
    const r6 = await year(token, caseId, 2024);
    // 7,020,000 + 町 360,000 + 村 180,000
    expect(r6).toMatchObject({ closed: false, total: 7_560_000, sum: 7_560_000 });
    expect(r6.shares).toHaveLength(14);
    expect(await year(token, caseId, 2023)).toEqual(r5Shares);
    // joining into the issued year is refused; so is a new rule for it
    const intoR5 = await h.call('PUT', `/api/cases/${caseId}/participants/${ids.get('水俣市')}`, { token, body: { participating: true, options: {}, fromFiscalYear: 2023 } });
    expect(intoR5.status).toBe(409);
    expect(intoR5.body.error.code).toBe('year_closed');
    const ruleR5 = await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token, body: { method: 'tier', fiscalYear: 2023, tierPrices: { ...tierPrices, village: 150_000 } } });
    expect(ruleR5.status).toBe(409);
    expect(ruleR5.body.error.code).toBe('year_closed');

    // 負担金 per body per year: close R6, then new prices from R7 leave R5 and R6 as they were
    const closedR6 = await post(token, `/api/cases/${caseId}/years/2024/close`, {});
    expect(closedR6).toMatchObject({ fiscalYear: 2024, closed: true, total: 7_560_000 });
    await put(token, `/api/cases/${caseId}/apportionment`, { method: 'tier', fiscalYear: 2025, tierPrices: { ...tierPrices, village: 150_000 } });
    expect((await year(token, caseId, 2025)).total).toBe(7_560_000 - 3 * 30_000);
    expect((await year(token, caseId, 2024)).total).toBe(7_560_000);
    expect(await year(token, caseId, 2023)).toEqual(r5Shares);
    const again = await h.call('POST', `/api/cases/${caseId}/years/2024/close`, { token, body: {} });
    expect(again.body.error.code).toBe('year_closed');

    // the contracting party of an issued year stays the one it was issued with
    await put(token, `/api/cases/${caseId}/contract-party`, { memberId: null });
    expect((await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2023`, { token })).body.contracts[0].partyName).toBe('熊本県');
    expect((await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2025`, { token })).body.contracts[0].partyName).toBe('熊本県・市町村電子自治体共同運営協議会');
    await put(token, `/api/cases/${caseId}/contract-party`, { memberId: ids.get('熊本県') });
    // a preview of joining or leaving a closed year is refused: nothing can change it that way
    const preview = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2023&without=${ids.get('八代市')}`, { token });
    expect(preview.status).toBe(409);
    expect(preview.body.error.code).toBe('year_closed');

    // 変更: 水俣市 is added to R5 by a recorded amendment (変更契約) with its reason; the award and its
    // notice keep what they issued, and only the named change reaches R5
    const amended = await post(token, `/api/cases/${caseId}/years/2023/amendments`, { reason: '水俣市の年度途中からの利用開始（変更契約）', changes: [{ memberId: ids.get('水俣市'), participating: true }] }, 201);
    expect(amended.amendment).toMatchObject({ before: { sum: 7_020_000, members: 12 }, after: { sum: 7_560_000, members: 13 } });
    expect((await year(token, caseId, 2023)).shares).toHaveLength(13);
    expect((await h.call('GET', `/api/cases/${caseId}/award`, { token })).body.award.amount).toBe(7_020_000);
    const issuedPublic = (await h.call('GET', `/api/public/cases/${caseId}`, {})).body.case.participants as string[];
    expect(issuedPublic).toHaveLength(12);
    expect(issuedPublic).not.toContain('芦北町');
    expect(issuedPublic).not.toContain('水俣市');

    // whatever changed after the award (joiners, new prices, an amendment), the issued notices are the same files
    await expectUnchanged(h, caseId, token, issued);
    for (const late of ['芦北町', '五木村', '水俣市']) expect(notices[1]!.text).not.toContain(late);

    // a member sees only its own 負担金
    await post(token, '/api/users', { email: 'yatsushiro@cycle.example', name: '八代市 情報政策課', role: 'member', password: PASSWORD, memberId: ids.get('八代市') }, 201);
    const own = (await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2024`, { token: await h.login('yatsushiro@cycle.example') })).body;
    expect(own.contracts[0].charges).toEqual([{ memberId: ids.get('八代市'), memberName: '八代市', amount: 540_000, amountWithTax: 594_000 }]);
  });
});

describe('長野県: 子育て支援アプリ, the union contracts for all, a births-based price over R1–R6 as bodies join', () => {
  // 37 bodies; body i had 40 + 7i + (FY − 2017) births in each fiscal year 2017–2022
  const bodies: MemberRow[] = Array.from({ length: 37 }, (_, i) => {
    const births = Object.fromEntries([2017, 2018, 2019, 2020, 2021, 2022].map((y) => [String(y), 40 + 7 * i + (y - 2017)]));
    return [`参加団体${String(i + 1).padStart(2, '0')}`, i < 10 ? '市' : i < 30 ? '町' : '村', `20${String(201 + i * 7).padStart(3, '0')}`, births];
  });
  const names = bodies.map(([name]) => name);
  // R1 2団体, R2 14 (+12), R3 20 (+6), R4 26 (+6), R5 33 (+7), R6 37 (+4)
  const joinedBy: [number, number][] = [[2019, 2], [2020, 14], [2021, 20], [2022, 26], [2023, 33], [2024, 37]];
  // the app fee follows the participants' total births of the year before last (前々年度)
  const tiers = [
    { upTo: 100, amount: 1_100_000 },
    { upTo: 2_000, amount: 3_300_000 },
    { upTo: 4_000, amount: 5_500_000 },
    { upTo: 6_000, amount: 7_700_000 },
    { upTo: null, amount: 9_461_000 },
  ];
  // Σ births of Y−2 for the first n bodies = 40n + 7n(n−1)/2 + n(Y−2−2017):
  // R1 87, R2 1,211, R3 2,170, R4 3,393, R5 5,148, R6 6,327
  const expected: Record<number, { births: number; total: number }> = {
    2019: { births: 87, total: 1_100_000 },
    2020: { births: 1_211, total: 3_300_000 },
    2021: { births: 2_170, total: 5_500_000 },
    2022: { births: 3_393, total: 5_500_000 },
    2023: { births: 5_148, total: 7_700_000 },
    2024: { births: 6_327, total: 9_461_000 },
  };

  it('selects by proposal, issues R1 for 2 bodies at the tier their births reach, and shares each later year among that year’s bodies only', async () => {
    const token = await consortium('長野県先端技術活用推進協議会', 'nagano');
    const ids = await importMembers(token, [['長野県市町村自治振興組合', '一部事務組合', '20999'], ...bodies]);
    const vendors = [
      (await post(token, '/api/vendors', { name: '株式会社エムティーアイ' }, 201)).vendor.id as string,
      (await post(token, '/api/vendors', { name: '子育てアプリ株式会社' }, 201)).vendor.id as string,
    ];
    const vendorTokens: string[] = [];
    for (const [i, vendorId] of vendors.entries()) {
      await post(token, '/api/users', { email: `vendor${i}@nagano.example`, name: `事業者${i}`, role: 'vendor', password: PASSWORD, vendorId }, 201);
    }
    const evaluator = (await post(token, '/api/users', { email: 'iin@nagano.example', name: '評価委員', role: 'evaluator', password: PASSWORD }, 201)).user.id as string;

    const caseId = (
      await post(token, '/api/cases', { title: '子育て支援アプリ共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: 2019, submissionDeadline: '2026-05-29T17:00:00.000+09:00' }, 201)
    ).case.id as string;
    await put(token, `/api/cases/${caseId}/contract-party`, { memberId: ids.get('長野県市町村自治振興組合') });
    for (const name of names.slice(0, 2)) await put(token, `/api/cases/${caseId}/participants/${ids.get(name)}`, { participating: true, options: {} });
    const rule = await put(token, `/api/cases/${caseId}/apportionment`, { method: 'births', volumePricing: { basis: 'births', tiers } });
    expect(rule).toMatchObject({ total: 1_100_000, volume: { basis: 'births', sum: 87 } });
    // 1,100,000 × 40/87 = 505,747.13 and × 47/87 = 594,252.87: the one yen left over to the larger remainder
    expect(rule.shares.map((s: Share) => s.base)).toEqual([505_747, 594_253]);

    // 公募型プロポーザル: two proposals, one evaluator, closed, the 契約候補者 recorded as the award
    await putSpec(h, token, caseId);
    await post(token, `/api/cases/${caseId}/transition`, { to: 'open' });
    for (const i of [0, 1]) vendorTokens.push(await h.login(`vendor${i}@nagano.example`));
    await put(vendorTokens[0]!, `/api/cases/${caseId}/proposal`, { price: 1_100_000 });
    await put(vendorTokens[1]!, `/api/cases/${caseId}/proposal`, { price: 1_300_000 });
    await put(token, `/api/cases/${caseId}/evaluation`, {
      criteria: [{ code: 'func', name: '機能', maxPoints: 70, mode: 'points' }, { code: 'price', name: '価格点', maxPoints: 30, mode: 'price' }],
      aggregation: 'average',
      evaluatorIds: [evaluator],
      reason: '評価基準を定めます。',
    });
    h.clock.set('2026-06-01T10:00:00.000+09:00');
    const sec = await h.login('sec-nagano@cycle.example');
    const iin = await h.login('iin@nagano.example');
    await post(sec, `/api/cases/${caseId}/transition`, { to: 'evaluation' });
    await post(iin, `/api/cases/${caseId}/evaluation/coi`, { conflict: false });
    for (const [vendorId, func] of [[vendors[0]!, 60], [vendors[1]!, 50]] as const) {
      await put(iin, `/api/cases/${caseId}/evaluation/sheets/${vendorId}`, { scores: { func } });
      await post(iin, `/api/cases/${caseId}/evaluation/sheets/${vendorId}/submit`, {});
    }
    await post(sec, `/api/cases/${caseId}/evaluation/close`, {});
    // the evaluation result is issued at the close
    const atClose = await issuedDocuments(h, scratch, caseId, sec);
    // (the spec was issued at publication, and again when the criteria set afterwards changed it)
    expect(atClose.map((d) => `${d.kind}:${d.version}`)).toEqual(['spec:1', 'spec:2', 'evaluation-summary:1']);
    const award = await post(sec, `/api/cases/${caseId}/award`, {}, 201);
    expect(award.award).toMatchObject({ vendorId: vendors[0], amount: 1_100_000, basis: 'evaluation' });
    // the award issues the 契約候補者 notice; the result is the same data, so no second version of it
    const issued = await issuedDocuments(h, scratch, caseId, sec);
    const notice = issued.find((d) => d.kind === 'award')!;
    expect(notice.version).toBe(1);
    expect(notice.text).toContain('株式会社エムティーアイ');
    expect(notice.text).toContain('子育て支援アプリ共同調達');

    const r1 = await year(sec, caseId, 2019);
    expect(r1).toMatchObject({ closed: true, total: 1_100_000, sum: 1_100_000 });

    // each later year: its joiners start from the first year not closed; its total follows its births
    let joined = 2;
    for (const [fiscalYear, count] of joinedBy.slice(1)) {
      for (const name of names.slice(joined, count)) {
        const p = await put(sec, `/api/cases/${caseId}/participants/${ids.get(name)}`, { participating: true, options: {} });
        expect(p.participant.fromFiscalYear).toBe(fiscalYear);
      }
      joined = count;
      const shares = await year(sec, caseId, fiscalYear);
      expect(shares.shares, `FY${fiscalYear}`).toHaveLength(count);
      expect(shares.total, `FY${fiscalYear}`).toBe(expected[fiscalYear]!.total);
      expect(sumOf(shares.shares), `FY${fiscalYear}`).toBe(expected[fiscalYear]!.total);
      await post(sec, `/api/cases/${caseId}/years/${fiscalYear}/close`, {});
    }

    // nothing later changed a closed year: R1 still the 2 bodies and their yen
    expect(await year(sec, caseId, 2019)).toEqual(r1);
    const r2 = await year(sec, caseId, 2020);
    // corrected births for FY2018 (the basis of R2) arrive later: R2 stays as it was closed
    await importMembers(sec, bodies.map(([n, k, c, b]) => [n, k, c, { ...b, '2018': b!['2018']! + 100 }] as MemberRow));
    expect(await year(sec, caseId, 2020)).toEqual(r2);
    // …until the secretariat records a 変更 with its reason: R2 re-issued from the corrected births
    // (Σ 1,211 + 14 × 100 = 2,611 → the 5,500,000 tier), the shares it replaced kept beside it
    const noReason = await h.call('POST', `/api/cases/${caseId}/years/2020/amendments`, { token: sec, body: { reason: ' ' } });
    expect(noReason.status).toBe(400);
    const amended = await post(sec, `/api/cases/${caseId}/years/2020/amendments`, { reason: '令和2年度分の出生数の確定値による変更' }, 201);
    expect(amended.amendment).toMatchObject({ reason: '令和2年度分の出生数の確定値による変更', before: { sum: 3_300_000, members: 14 }, after: { sum: 5_500_000, members: 14 } });
    expect(amended.apportionment).toMatchObject({ fiscalYear: 2020, closed: true, total: 5_500_000, volume: { sum: 2_611 } });
    const nothingToRecord = await h.call('POST', `/api/cases/${caseId}/years/2020/amendments`, { token: sec, body: { reason: '再度' } });
    expect(nothingToRecord.status).toBe(409);
    expect((await h.call('GET', `/api/cases/${caseId}/years`, { token: sec })).body.years.find((y: { fiscalYear: number }) => y.fiscalYear === 2020).amendments).toHaveLength(1);
    // the page of the year shows the shares before and after tax, the contract and the amendment
    const page = await h.call('GET', `/cases/${caseId}/years?fiscalYear=2020`, { token: sec });
    expect(page.status).toBe(200);
    for (const text of ['年度別の負担額と契約', '2020年度（令和2年度）', '確定（締め）済み', '令和2年度分の出生数の確定値による変更', '長野県市町村自治振興組合', '5,500,000', '6,050,000']) expect(page.text, text).toContain(text);

    // R6: one contract by the union for 9,461,000円, with 37 負担金 that add up to it before and after tax
    const r6 = (await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2024`, { token: sec })).body;
    expect(r6.contracts).toHaveLength(1);
    expect(r6.contracts[0]).toMatchObject({ kind: 'bulk', partyName: '長野県市町村自治振興組合', amount: 9_461_000, amountWithTax: 10_407_100 });
    expect(r6.contracts[0].charges).toHaveLength(37);
    expect(r6.contracts[0].charges.reduce((a: number, c: { amount: number }) => a + c.amount, 0)).toBe(9_461_000);
    expect(r6.contracts[0].charges.reduce((a: number, c: { amountWithTax: number }) => a + c.amountWithTax, 0)).toBe(10_407_100);

    // six years of joiners, closes and an amendment later: every issued document is the same file
    await expectUnchanged(h, caseId, sec, issued);
    expect(notice.text).not.toContain(names[2]!);

    // a body leaving after R6 leaves at that year's end; R6 keeps it
    const left = await put(sec, `/api/cases/${caseId}/participants/${ids.get(names[36]!)}`, { participating: false, options: {} });
    expect(left.participant).toMatchObject({ participating: false, untilFiscalYear: 2024 });
    expect((await year(sec, caseId, 2024)).shares).toHaveLength(37);
    // R7 would need FY2023 births, not registered yet: the answer names the 36 bodies of R7, not the leaver
    const r7 = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2025`, { token: sec });
    expect(r7.status).toBe(409);
    expect(r7.body.error.code).toBe('apportionment_incomplete');
    expect(r7.body.error.details.members).toHaveLength(36);
    expect(r7.body.error.details.members).not.toContain(names[36]);
    // coming back continues where it left; ending before a closed year it took part in is refused
    expect((await put(sec, `/api/cases/${caseId}/participants/${ids.get(names[36]!)}`, { participating: true, options: {} })).participant).toMatchObject({ fromFiscalYear: 2024, untilFiscalYear: null });
    const endEarly = await h.call('PUT', `/api/cases/${caseId}/participants/${ids.get(names[0]!)}`, { token: sec, body: { participating: true, options: {}, untilFiscalYear: 2021 } });
    expect(endEarly.status).toBe(409);
    expect(endEarly.body.error).toMatchObject({ code: 'year_closed', details: { fiscalYear: 2022 } });
  });
});

describe('the apportionment form, as a browser without JavaScript posts it', () => {
  it('saves a births-based price table typed with full-width digits, from a chosen fiscal year', async () => {
    const token = await consortium('長野県先端技術活用推進協議会（画面）', 'nagano-page');
    const ids = await importMembers(token, [['小布施町', '町', '20541', { '2022': 60, '2023': 58 }], ['売木村', '村', '20410', { '2022': 3, '2023': 4 }]]);
    const caseId = (await post(token, '/api/cases', { title: '子育て支援アプリ（画面）', method: 'proposal', contractMode: 'bulk', fiscalYear: 2024 }, 201)).case.id as string;
    for (const id of ids.values()) await put(token, `/api/cases/${caseId}/participants/${id}`, { participating: true, options: {} });
    const cookie = await h.cookieFor('sec-nagano-page@cycle.example');
    const posted = await h.form(cookie, `/cases/${caseId}/apportionment`, [
      ['method', 'births'],
      ['total', ''],
      ['volume_basis', 'births'],
      ['unit_price', ''],
      ['tier_up_to', '１００'],
      ['tier_amount', '1,100,000円'],
      ['tier_up_to', ''],
      ['tier_amount', '３，３００，０００'],
      ['tier_up_to', ''],
      ['tier_amount', ''],
      ['fiscal_year', ''],
    ]);
    expect(posted.status, posted.text.slice(0, 500)).toBe(303);
    // births of FY2022: 60 + 3 = 63 ≤ 100 → 1,100,000円
    const shares = await year(token, caseId, 2024);
    expect(shares).toMatchObject({ total: 1_100_000 });
    expect((await h.call('GET', `/api/cases/${caseId}/apportionment`, { token })).body.rule).toMatchObject({ method: 'births', volumePricing: { basis: 'births', tiers: [{ upTo: 100, amount: 1_100_000 }, { upTo: null, amount: 3_300_000 }] } });
    // a table whose bounds go down is refused in Japanese, and nothing changes
    const refused = await h.form(cookie, `/cases/${caseId}/apportionment`, [['method', 'births'], ['volume_basis', 'births'], ['tier_up_to', '200'], ['tier_amount', '1'], ['tier_up_to', '100'], ['tier_amount', '2'], ['fiscal_year', '2025']]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('価格表は上限の小さい順に並べ');
    // FY2025 reads FY2023 births (58 + 4 = 62) under the rule that was kept
    expect((await year(token, caseId, 2025)).total).toBe(1_100_000);
  });
});
