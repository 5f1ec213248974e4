import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch } from '../documents/pdf-tools.ts';
import { type Harness, OPERATOR, PASSWORD, createHarness, putSpec } from '../helpers/harness.ts';
import { expectUnchanged, issuedDocuments } from '../helpers/issued-documents.ts';

// Two cases of the source document (自治体DX推進参考事例集 4.共同調達), end to end through the API, each on
// its own figures worked out by hand below:
// - 岐阜県: 電子契約システム, 一般競争入札, each body signs its own contract for its own options;
// - 大阪府: 文書管理・電子決裁システム, two-stage survey (1位 = 2点, 2位 = 1点), 意見照会, 公募型プロポーザル
//   scored by the mean without the highest and lowest evaluator, individual contracts, late joiners.

const scratch = new Scratch();
afterAll(() => scratch.remove());

// the cases span months of the test clock: sessions last as long as a cookie may (400 days)
const harness = () => createHarness({ sessionIdleMs: 399 * 86_400_000, sessionMaxMs: 399 * 86_400_000 });

async function consortium(h: Harness, name: string, label: string) {
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  const res = await h.call('POST', '/api/consortia', {
    token: operator,
    body: { name, secretariat: { email: `sec-${label}@seed.example`, name: `${name} 事務局`, password: PASSWORD } },
  });
  expect(res.status, res.text).toBe(201);
  return h.login(`sec-${label}@seed.example`);
}

function checkDigit(first5: string) {
  const sum = [6, 5, 4, 3, 2].reduce((acc, w, i) => acc + w * Number(first5[i]), 0);
  return (11 - (sum % 11)) % 10;
}

/** Imports the member list through the CSV endpoint, as the secretariat does from Excel. */
async function importMembers(h: Harness, token: string, rows: [string, string, string][]) {
  const lines = [['団体名', '区分', '団体コード', '人口'].join(',')];
  for (const [name, kind, code5] of rows) lines.push([name, kind, code5 + checkDigit(code5), ''].join(','));
  const res = await h.call('POST', '/api/members/import', { token, body: new TextEncoder().encode(lines.join('\r\n')), headers: { 'content-type': 'text/csv' } });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ created: rows.length, updated: 0, errors: [] });
  const list = await h.call('GET', '/api/members', { token });
  return new Map<string, string>(list.body.members.map((m: { name: string; id: string }) => [m.name, m.id]));
}

async function join(h: Harness, token: string, caseId: string, memberId: string, options: Record<string, boolean | number> = {}, extra: Record<string, unknown> = {}) {
  const res = await h.call('PUT', `/api/cases/${caseId}/participants/${memberId}`, { token, body: { participating: true, options, ...extra } });
  expect(res.status, res.text).toBe(200);
  return res.body.participant;
}

async function move(h: Harness, token: string, caseId: string, to: string) {
  // a notice is published with its spec
  if (to === 'open') await putSpec(h, token, caseId);
  const res = await h.call('POST', `/api/cases/${caseId}/transition`, { token, body: { to } });
  expect(res.status, res.text).toBe(200);
}

/** A user of the consortium created by the secretariat, logged in. */
async function user(h: Harness, secretariat: string, email: string, name: string, role: string, extra: Record<string, string> = {}) {
  const res = await h.call('POST', '/api/users', { token: secretariat, body: { email, name, role, password: PASSWORD, ...extra } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.user.id as string, token: await h.login(email) };
}

/** A qualified vendor registered by the secretariat (approved), with a user of its own. */
async function vendor(h: Harness, secretariat: string, name: string, email: string) {
  const res = await h.call('POST', '/api/vendors', { token: secretariat, body: { name } });
  expect(res.status, res.text).toBe(201);
  const id = res.body.vendor.id as string;
  return { id, token: (await user(h, secretariat, email, `${name} 担当`, 'vendor', { vendorId: id })).token };
}

type Share = { memberId: string; memberName: string; base: number; optionCharges: number; amount: number };
type ContractView = { id: string; kind: string; partyMemberId: string; partyName: string; vendorId: string; fiscalYear: number; amount: number; amountWithTax: number; options?: Record<string, boolean | number> };
const sumOf = (list: { amount: number }[]) => list.reduce((a, s) => a + s.amount, 0);

describe('岐阜県: 電子契約システム, 一般競争入札, 17 individual contracts with their options', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  const bodies: [string, string, string][] = [['岐阜県', '都道府県', '21000'], ['岐阜市', '市', '21201'], ['大垣市', '市', '21202'], ['高山市', '市', '21203'], ['多治見市', '市', '21204'], ['関市', '市', '21205'], ['中津川市', '市', '21206'], ['美濃市', '市', '21207'], ['瑞浪市', '市', '21208'], ['羽島市', '市', '21209'], ['恵那市', '市', '21210'], ['美濃加茂市', '市', '21211'], ['土岐市', '市', '21212'], ['各務原市', '市', '21213'], ['可児市', '市', '21214'], ['山県市', '市', '21215'], ['瑞穂市', '市', '21216']];

  it('awards the lowest bid, shares it 770千円 a body plus 岐阜県\'s options, and issues one contract per body that never changes', { timeout: 180_000 }, async () => {
    // R4.12 参加団体の決定: the council, its 17 bodies and their options
    h.clock.set('2022-12-12T10:00:00.000+09:00');
    const token = await consortium(h, '岐阜県・市町村DX推進連絡協議会', 'gifu');
    const ids = await importMembers(h, token, bodies);
    expect(ids.size).toBe(17);
    const id = (name: string) => ids.get(name)!;

    const created = await h.call('POST', '/api/cases', {
      token,
      body: {
        title: '電子契約システム',
        method: 'competitive_bid',
        contractMode: 'individual',
        fiscalYear: 2023,
        options: [{ code: 'consult', name: '導入支援コンサル', price: 39_000 }, { code: 'users', name: '利用者ID（追加分）', price: 1_000 }],
      },
    });
    expect(created.status, created.text).toBe(201);
    const caseId = created.body.case.id as string;
    // 県及び県内16団体; the prefecture alone takes the consulting (39千円, 県庁分のみ) and 50 extra user IDs
    for (const [name] of bodies) await join(h, token, caseId, id(name), name === '岐阜県' ? { consult: true, users: 50 } : {});
    // 岐阜市's standard (list) price for its own contract, for the savings report
    expect((await join(h, token, caseId, id('岐阜市'), {}, { standardPrice: 1_540_000 })).standardPrice).toBe(1_540_000);

    // equal shares of the base: 13,090,000 ÷ 17 = 770,000 each; 岐阜県 adds 39,000 × 1 + 1,000 × 50 = 89,000
    const set = await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token, body: { method: 'equal', total: 13_090_000 } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.shares).toHaveLength(17);
    expect(set.body.shares.find((s: Share) => s.memberId === id('岐阜県'))).toMatchObject({ base: 770_000, optionCharges: 89_000, amount: 859_000 });
    expect(set.body.sum).toBe(13_179_000);

    // R5.1 仕様検討会: the spec (the spec PDF lists every body with its options)
    h.clock.set('2023-01-20T10:00:00.000+09:00');
    const spec = await h.call('PUT', `/api/cases/${caseId}/spec`, {
      token,
      body: {
        sections: [
          { heading: '1. 調達の概要', body: '契約書作成・契約締結・契約書管理をデジタルで完結できる電子契約システムを、県及び県内16団体が同一のサービスとして利用する。' },
          { heading: '2. 参加団体とオプション', body: '参加団体の一覧及び各団体の導入支援コンサル・追加利用者IDの有無は別紙のとおり。契約は各参加団体が個別に締結する。' },
        ],
        requirements: [{ code: 'R-1', text: 'LGWAN接続系から利用できること', level: 'must' }],
      },
    });
    expect(spec.status, spec.text).toBe(200);

    // R5.4 入札実施: 予定価格 14,000,000 (事後公表)
    h.clock.set('2023-04-03T09:00:00.000+09:00');
    const bidding = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token,
      body: { ceilingPrice: 14_000_000, ceilingPublic: false, deadlineAt: '2023-04-20T17:00:00.000+09:00', openingAt: '2023-04-21T10:00:00.000+09:00' },
    });
    expect(bidding.status, bidding.text).toBe(200);
    await move(h, token, caseId, 'open');
    const winner = await vendor(h, token, '弁護士ドットコム株式会社', 'bengo4@gifu.example');
    const other = await vendor(h, token, '電子契約サービス株式会社', 'other@gifu.example');
    h.clock.set('2023-04-12T14:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: winner.token, body: { amount: 13_179_000, lotNumber: 123 } })).status).toBe(201);
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: other.token, body: { amount: 13_500_000, lotNumber: 456 } })).status).toBe(201);

    // a bare transition never reaches awarded, on this case or another
    const bare = await h.call('POST', `/api/cases/${caseId}/transition`, { token, body: { to: 'awarded' } });
    expect(bare.status).toBe(409);
    expect(bare.body.error.code).toBe('no_award');
    const another = await h.call('POST', '/api/cases', { token, body: { title: 'AI-OCR', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2023 } });
    const noAward = await h.call('POST', `/api/cases/${another.body.case.id}/transition`, { token, body: { to: 'awarded' } });
    expect(noAward.status).toBe(409);
    expect(noAward.body.error.code).toBe('no_award');
    expect((await h.call('GET', `/api/cases/${another.body.case.id}`, { token })).body.case.state).toBe('draft');

    // 開札: 13,179,000 is the lowest within the ceiling; with tax ⌊13,179,000 × 1.1⌋ = 14,496,900
    h.clock.set('2023-04-21T10:00:00.000+09:00');
    const opened = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token });
    expect(opened.status, opened.text).toBe(200);
    expect(opened.body).toMatchObject({ round: 1, outcome: 'awarded', winner: { vendorId: winner.id, amount: 13_179_000, amountWithTax: 14_496_900 } });
    expect((await h.call('GET', `/api/cases/${caseId}`, { token })).body.case.state).toBe('open');

    // 落札決定: the amount is the winning bid = 17 × 770,000 + 89,000
    // the winning bid is the price: another amount for the winner is refused, nothing recorded
    const rewritten = await h.call('POST', `/api/cases/${caseId}/award`, { token, body: { amount: 13_000_000 } });
    expect(rewritten.status).toBe(409);
    expect(rewritten.body.error).toMatchObject({ code: 'amount_mismatch', details: { computed: 13_179_000 } });
    const award = await h.call('POST', `/api/cases/${caseId}/award`, { token, body: {} });
    expect(award.status, award.text).toBe(201);
    expect(award.body.award).toMatchObject({ vendorId: winner.id, vendorName: '弁護士ドットコム株式会社', amount: 13_179_000, amountWithTax: 14_496_900 });
    expect((await h.call('GET', `/api/cases/${caseId}`, { token })).body.case.state).toBe('awarded');

    // the opening issued the 入札経過調書, the award the 落札決定通知書: numbered, each its own file
    const issued = await issuedDocuments(h, scratch, caseId, token);
    expect(issued.map((d) => d.kind)).toEqual(expect.arrayContaining(['spec', 'bid-tabulation', 'award']));
    const tabulation = issued.filter((d) => d.kind === 'bid-tabulation').at(-1)!;
    expect(tabulation.text).toContain('弁護士ドットコム株式会社');
    expect(tabulation.text).toContain('13,179,000');
    const notice = issued.find((d) => d.kind === 'award')!;
    expect(notice.text).toContain('13,179,000');
    expect(new Set(issued.map((d) => d.number)).size).toBe(issued.length);

    // the award issues and closes FY2023: each base 770,000 (13,090,000 ÷ 17), 岐阜県 770,000 + 89,000 = 859,000
    const shares = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2023`, { token });
    expect(shares.status, shares.text).toBe(200);
    expect(shares.body).toMatchObject({ fiscalYear: 2023, closed: true, total: 13_090_000, optionTotal: 89_000, sum: 13_179_000 });
    expect(shares.body.shares).toHaveLength(17);
    expect(sumOf(shares.body.shares)).toBe(13_179_000);
    for (const s of shares.body.shares as Share[]) expect(s.base, s.memberName).toBe(770_000);
    expect(shares.body.shares.find((s: Share) => s.memberId === id('岐阜県'))).toMatchObject({ base: 770_000, optionCharges: 89_000, amount: 859_000 });
    expect(shares.body.shares.find((s: Share) => s.memberId === id('岐阜市'))).toMatchObject({ optionCharges: 0, amount: 770_000 });

    // 各団体が契約締結: 17 individual contracts with the winner, tax floored per contract:
    // ⌊859,000 × 1.1⌋ = 944,900, ⌊770,000 × 1.1⌋ = 847,000; 944,900 + 16 × 847,000 = 14,496,900, the award with tax
    const contracts = await h.call('GET', `/api/cases/${caseId}/contracts`, { token });
    expect(contracts.status, contracts.text).toBe(200);
    const list = contracts.body.contracts as ContractView[];
    expect(list).toHaveLength(17);
    expect(new Set(list.map((k) => k.partyMemberId))).toEqual(new Set(ids.values()));
    for (const k of list) expect(k).toMatchObject({ kind: 'individual', vendorId: winner.id, fiscalYear: 2023 });
    const pref = list.find((k) => k.partyMemberId === id('岐阜県'))!;
    expect(pref).toMatchObject({ partyName: '岐阜県', amount: 859_000, amountWithTax: 944_900, options: { consult: true, users: 50 } });
    expect(list.find((k) => k.partyMemberId === id('大垣市'))).toMatchObject({ partyName: '大垣市', amount: 770_000, amountWithTax: 847_000 });
    expect(list.reduce((a, k) => a + k.amountWithTax, 0)).toBe(14_496_900);

    // a member body's user sees its own contract only
    const gifuCity = await user(h, token, 'keiyaku@city.gifu.example', '岐阜市 契約課', 'member', { memberId: id('岐阜市') });
    const own = await h.call('GET', `/api/cases/${caseId}/contracts`, { token: gifuCity.token });
    expect(own.status, own.text).toBe(200);
    expect(own.body.contracts).toHaveLength(1);
    expect(own.body.contracts[0]).toMatchObject({ kind: 'individual', partyMemberId: id('岐阜市'), amount: 770_000, amountWithTax: 847_000 });

    // the contract list opens in Excel: BOM, a header and one row per body
    const csv = await h.call('GET', `/api/cases/${caseId}/contracts.csv`, { token });
    expect(csv.status).toBe(200);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const rows = csv.text.slice(1).split('\r\n').filter((l) => l !== '');
    expect(rows[0]).toBe('年度,契約の区分,契約者,契約の相手方,負担団体,金額（税抜）,金額（税込）,導入支援コンサル,利用者ID（追加分）');
    expect(rows.slice(1)).toHaveLength(17);
    expect(rows).toContain('2023,個別契約,岐阜県,弁護士ドットコム株式会社,,859000,944900,○,50');
    expect(rows).toContain('2023,個別契約,大垣市,弁護士ドットコム株式会社,,770000,847000,,');

    // 概ね5割以上の割引: 岐阜市 pays 770,000 against its standard 1,540,000 → saves 770,000, half
    const savings = await h.call('GET', `/api/cases/${caseId}/savings`, { token });
    expect(savings.status, savings.text).toBe(200);
    expect(savings.body.members).toEqual([{ memberId: id('岐阜市'), memberName: '岐阜市', standardPrice: 1_540_000, amount: 770_000, saving: 770_000, rate: 0.5 }]);

    // 瑞穂市 withdraws after the award: it leaves at the end of FY2023, whose contracts stay as issued
    const left = await h.call('PUT', `/api/cases/${caseId}/participants/${id('瑞穂市')}`, { token, body: { participating: false, options: {} } });
    expect(left.status, left.text).toBe(200);
    expect(left.body.participant).toMatchObject({ participating: false, untilFiscalYear: 2023 });
    const again = await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2023`, { token });
    expect(again.body.contracts).toEqual(contracts.body.contracts);
    expect((await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2023`, { token })).body).toEqual(shares.body);
    // from FY2024 on it is no longer among the participants
    const next = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2024`, { token });
    expect(next.status, next.text).toBe(200);
    expect(next.body.closed).toBe(false);
    expect(next.body.shares.map((s: Share) => s.memberId)).not.toContain(id('瑞穂市'));
    expect(next.body.shares).toHaveLength(16);
    // the notice still names 瑞穂市 among the bodies it was issued for: the same file as at the award
    await expectUnchanged(h, caseId, token, issued);
    expect(notice.text).toContain('瑞穂市');
  });
});

describe('大阪府: 文書管理・電子決裁システム, two-stage survey, 意見照会, trimmed-mean proposal evaluation, individual contracts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  const bodies: [string, string, string][] = [['大阪府', '都道府県', '27000'], ['堺市', '市', '27140'], ['豊中市', '市', '27203'], ['吹田市', '市', '27205'], ['高槻市', '市', '27207'], ['枚方市', '市', '27210'], ['茨木市', '市', '27211']];

  it('procures the top-ranked system with the bodies that intend to join, answers every opinion, scores without the extremes, and takes late joiners from the next year', { timeout: 240_000 }, async () => {
    // R3.4 府内市町村への意向調査 (1回目): candidate systems from the members
    h.clock.set('2021-04-12T10:00:00.000+09:00');
    let token = await consortium(h, 'GovTech大阪', 'osaka');
    const ids = await importMembers(h, token, bodies);
    const id = (name: string) => ids.get(name)!;
    const members: Record<string, string> = {};
    for (const [name, , code] of bodies) members[name] = (await user(h, token, `dx-${code}@osaka.example`, `${name} DX担当`, 'member', { memberId: id(name) })).token;

    const created = await h.call('POST', '/api/surveys', { token, body: { title: '令和4年度 共同調達希望案件アンケート', candidates: [], stage: 'proposals' } });
    expect(created.status, created.text).toBe(201);
    const sid = created.body.survey.id as string;
    expect(created.body.survey).toMatchObject({ stage: 'proposals', candidates: [], points: [2, 1] });
    const proposed: Record<string, string> = {};
    for (const [name, system] of [['豊中市', '文書管理・電子決裁システム'], ['吹田市', 'チャットツール'], ['堺市', '電子申請システム'], ['枚方市', 'RPA']] as const) {
      const res = await h.call('POST', `/api/surveys/${sid}/candidates`, { token: members[name], body: { name: system } });
      expect(res.status, res.text).toBe(201);
      proposed[system] = res.body.candidate.code;
    }
    // the service numbers the proposals in order
    expect(Object.values(proposed)).toEqual(['P1', 'P2', 'P3', 'P4']);
    // no ranking while candidates are still being collected
    expect((await h.call('PUT', `/api/surveys/${sid}/responses/${id('豊中市')}`, { token: members['豊中市'], body: { ranking: ['P1'] } })).status).toBe(409);

    // 勉強会 on three of them; the secretariat keeps those (RPA is dropped) and the second stage opens
    h.clock.set('2021-05-10T10:00:00.000+09:00');
    const shortlist = await h.call('POST', `/api/surveys/${sid}/shortlist`, { token, body: { codes: ['P1', 'P2', 'P3'] } });
    expect(shortlist.status, shortlist.text).toBe(200);
    expect(shortlist.body.survey.stage).toBe('ranking');
    expect(shortlist.body.survey.candidates.map((c: { code: string }) => c.code)).toEqual(['P1', 'P2', 'P3']);

    // 2回目: 1位 = 2点, 2位 = 1点, with each body's intent
    const answers: [string, string[], Record<string, string>][] = [
      ['大阪府', ['P1', 'P2'], { P1: 'join', P2: 'interested' }],
      ['堺市', ['P3', 'P1'], { P1: 'study', P3: 'join' }],
      ['豊中市', ['P1', 'P3'], { P1: 'join' }],
      ['吹田市', ['P2', 'P1'], { P1: 'join', P2: 'join' }],
      ['高槻市', ['P1', 'P2'], { P1: 'study' }],
      ['枚方市', ['P3', 'P2'], { P1: 'none', P3: 'join' }],
    ];
    for (const [name, ranking, intents] of answers) {
      const res = await h.call('PUT', `/api/surveys/${sid}/responses/${id(name)}`, { token: members[name], body: { ranking, intents } });
      expect(res.status, `${name}: ${res.text}`).toBe(200);
    }
    // 茨木市 first puts 1位 on the system it says it will not join: refused, nothing stored
    const contradictory = await h.call('PUT', `/api/surveys/${sid}/responses/${id('茨木市')}`, { token: members['茨木市'], body: { ranking: ['P1', 'P2'], intents: { P1: 'none' } } });
    expect(contradictory.status).toBe(400);
    expect(contradictory.body.error.code).toBe('validation_error');
    expect((await h.call('GET', `/api/surveys/${sid}/responses/${id('茨木市')}`, { token })).status).toBe(404);
    expect((await h.call('PUT', `/api/surveys/${sid}/responses/${id('茨木市')}`, { token: members['茨木市'], body: { ranking: ['P2', 'P3'], intents: { P1: 'none', P2: 'interested' } } })).status).toBe(200);

    // P1 2 (府) + 1 (堺) + 2 (豊中) + 1 (吹田) + 2 (高槻) = 8, first 3, join 府・豊中・吹田 = 3 (3/7 ≥ 0.25)
    // P2 1 (府) + 2 (吹田) + 1 (高槻) + 1 (枚方) + 2 (茨木) = 7, first 2, join 吹田 = 1
    // P3 2 (堺) + 1 (豊中) + 2 (枚方) + 1 (茨木) = 6, first 2, join 堺・枚方 = 2
    const results = await h.call('GET', `/api/surveys/${sid}/results`, { token });
    expect(results.body).toMatchObject({ members: 7, respondents: 7 });
    expect(results.body.results.map((r: { code: string; name: string; points: number; firstChoices: number; intending: number; meetsThreshold: boolean }) => [r.code, r.name, r.points, r.firstChoices, r.intending, r.meetsThreshold])).toEqual([
      ['P1', '文書管理・電子決裁システム', 8, 3, 3, true],
      ['P2', 'チャットツール', 7, 2, 1, false],
      ['P3', '電子申請システム', 6, 2, 2, true],
    ]);
    expect(results.body.results[0].intendingShare).toBeCloseTo(3 / 7, 10);

    // the top candidate becomes the case; the bodies that answered "join" are its provisional participants
    h.clock.set('2021-10-15T10:00:00.000+09:00');
    const decided = await h.call('POST', `/api/surveys/${sid}/candidates/P1/case`, {
      token,
      body: { title: '文書管理・電子決裁システム共同調達', method: 'proposal', contractMode: 'individual', fiscalYear: 2022 },
    });
    expect(decided.status, decided.text).toBe(201);
    const caseId = decided.body.case.id as string;
    expect(decided.body.case).toMatchObject({ method: 'proposal', contractMode: 'individual', fiscalYear: 2022, state: 'draft' });
    const joining = new Set([id('大阪府'), id('豊中市'), id('吹田市')]);
    const provisional = (await h.call('GET', `/api/cases/${caseId}/participants`, { token })).body.participants;
    expect(new Set(provisional.filter((p: { participating: boolean }) => p.participating).map((p: { memberId: string }) => p.memberId))).toEqual(joining);
    for (const p of provisional) expect(p).toMatchObject({ participating: true, provisional: true, fromFiscalYear: 2022 });
    // 広告前に参加表明: each of the three confirms for itself
    for (const name of ['大阪府', '豊中市', '吹田市']) {
      const res = await h.call('PUT', `/api/cases/${caseId}/participants/${id(name)}`, { token: members[name], body: { participating: true, options: {} } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.participant).toMatchObject({ provisional: false, lateJoin: false });
    }

    // R4.2 意見照会 on the joint spec draft (everyone logs in again: the sessions of last spring have run out)
    h.clock.set('2022-02-01T10:00:00.000+09:00');
    token = await h.login('sec-osaka@seed.example');
    for (const [name, , code] of bodies) members[name] = await h.login(`dx-${code}@osaka.example`);
    const draft = {
      sections: [
        { heading: '1. 概要', body: '府内市町村が共同で利用する文書管理・電子決裁システムを調達する。' },
        { heading: '2. 機能要件', body: '文書の収受・起案・決裁・保存・廃棄を電子で行えること。' },
        { heading: '3. 運用・保守', body: '問合せ窓口を平日9時から17時まで設けること。' },
      ],
    };
    expect((await h.call('PUT', `/api/cases/${caseId}/spec`, { token, body: draft })).status).toBe(200);
    await move(h, token, caseId, 'spec_review');
    const opinions: [string, string, string][] = [
      ['豊中市', '2. 機能要件', '代決・後閲の運用に対応してください。'],
      ['吹田市', '3. 運用・保守', '問合せ窓口を土日も開設してください。'],
    ];
    const commentIds: string[] = [];
    for (const [name, section, text] of opinions) {
      const res = await h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: members[name], body: { section, text } });
      expect(res.status, res.text).toBe(201);
      commentIds.push(res.body.comment.id);
    }
    const answersToComments = [
      { response: '2. 機能要件に代決・後閲の処理を追加しました。', reflected: true },
      { response: '費用が大きく増えるため平日のみとし、休日は障害受付に限ります。', reflected: false },
    ];
    for (const [i, answer] of answersToComments.entries()) {
      const res = await h.call('PUT', `/api/cases/${caseId}/spec/comments/${commentIds[i]}`, { token, body: answer });
      expect(res.status, res.text).toBe(200);
    }
    const finalSpec = await h.call('PUT', `/api/cases/${caseId}/spec`, {
      token,
      body: { sections: [draft.sections[0]!, { heading: '2. 機能要件', body: `${draft.sections[1]!.body}代決・後閲の処理ができること。` }, draft.sections[2]!] },
    });
    expect(finalSpec.body.spec.version).toBe(2);
    // every opinion answered: the 意見対応表 is issued
    const responses = (await issuedDocuments(h, scratch, caseId, token)).filter((d) => d.kind === 'comment-responses');
    expect(responses).toHaveLength(1);
    for (const text of ['豊中市', '吹田市', '代決・後閲']) expect(responses[0]!.text, responses[0]!.text).toContain(text);
    // 意見をどのように反映したか: each opinion with its answer
    const comments = await h.call('GET', `/api/cases/${caseId}/spec/comments`, { token: members['大阪府'] });
    expect(comments.status, comments.text).toBe(200);
    expect(comments.body.comments.map((c: { memberName: string; section: string; version: number; text: string; response: string; reflected: boolean }) => [c.memberName, c.section, c.version, c.text, c.response, c.reflected])).toEqual([
      ['豊中市', '2. 機能要件', 1, opinions[0]![2], answersToComments[0]!.response, true],
      ['吹田市', '3. 運用・保守', 1, opinions[1]![2], answersToComments[1]!.response, false],
    ]);

    // R4.4 公募開始 (公募型プロポーザル), proposals until 4/28
    h.clock.set('2022-04-01T09:00:00.000+09:00');
    expect((await h.call('PATCH', `/api/cases/${caseId}`, { token, body: { submissionDeadline: '2022-04-28T17:00:00.000+09:00' } })).status).toBe(200);
    await move(h, token, caseId, 'open');
    const runner = await vendor(h, token, '文書ソリューション株式会社', 'bunsho@osaka.example');
    const hitachi = await vendor(h, token, '株式会社日立システムズ', 'adworld@osaka.example');
    const iin: { id: string; token: string }[] = [];
    for (const n of [1, 2, 3, 4]) iin.push(await user(h, token, `iin${n}@osaka.example`, `評価委員${n}`, 'evaluator'));
    const criteria = [
      { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 50, mode: 'points' },
      { code: 'ops', group: '技術提案', name: '運用・保守体制', maxPoints: 20, mode: 'grade' },
      { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
    ];
    const evaluation = await h.call('PUT', `/api/cases/${caseId}/evaluation`, {
      token,
      body: { criteria, aggregation: 'trimmed_mean', passRatio: 0.6, evaluatorIds: iin.map((e) => e.id), reason: '評価基準を定めます。' },
    });
    expect(evaluation.status, evaluation.text).toBe(200);
    h.clock.set('2022-04-20T15:00:00.000+09:00');
    expect((await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: runner.token, body: { price: 8_500_000 } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: hitachi.token, body: { price: 10_200_000 } })).status).toBe(200);

    // R4.5 審査: every evaluator declares no conflict, then scores both proposals
    h.clock.set('2022-05-09T10:00:00.000+09:00');
    await move(h, token, caseId, 'evaluation');
    for (const e of iin) expect((await h.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token: e.token, body: { conflict: false } })).status).toBe(200);
    // technical = func + ops (grade × 20: A 20, B 15, C 10, D 5, E 0)
    // 文書ソリューション: 40+A 60, 35+B 50, 45+A 65, 20+D 25 → drop 65 and 25 → (60 + 50) ÷ 2 = 55 (the plain mean would be 50)
    // 日立システムズ:     44+A 64, 48+B 63,  5+E  5, 50+A 70 → drop 70 and 5  → (64 + 63) ÷ 2 = 63.5 (the plain mean would be 50.5)
    const sheets: Record<string, [number, string][]> = {
      [runner.id]: [[40, 'A'], [35, 'B'], [45, 'A'], [20, 'D']],
      [hitachi.id]: [[44, 'A'], [48, 'B'], [5, 'E'], [50, 'A']],
    };
    for (const [vendorId, scores] of Object.entries(sheets)) {
      for (const [i, [func, ops]] of scores.entries()) {
        const path = `/api/cases/${caseId}/evaluation/sheets/${vendorId}`;
        const saved = await h.call('PUT', path, { token: iin[i]!.token, body: { scores: { func, ops } } });
        expect(saved.status, saved.text).toBe(200);
        expect(saved.body.sheet.total).toBe(func + { A: 20, B: 15, C: 10, D: 5, E: 0 }[ops]!);
        expect((await h.call('POST', `${path}/submit`, { token: iin[i]!.token })).body.sheet.status).toBe('submitted');
      }
    }
    expect((await h.call('POST', `/api/cases/${caseId}/evaluation/close`, { token })).status).toBe(200);
    // price = 30 × lowest ÷ price: 30 × 8.5 ÷ 8.5 = 30, 30 × 8.5 ÷ 10.2 = 25
    // totals 55 + 30 = 85 and 63.5 + 25 = 88.5: 日立システムズ is the preferred negotiator (by the plain mean it would lose, 80 to 75.5)
    const ranked = await h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token });
    expect(ranked.status, ranked.text).toBe(200);
    expect(ranked.body.ranking.map((r: { vendorId: string; rank: number; technical: number; price: number; total: number; passed: boolean }) => [r.vendorId, r.rank, r.technical, r.price, r.total, r.passed])).toEqual([
      [hitachi.id, 1, 63.5, 25, 88.5, true],
      [runner.id, 2, 55, 30, 85, true],
    ]);
    expect(ranked.body).toMatchObject({ preferred: hitachi.id, runnerUp: runner.id });

    // 契約候補者の決定: the preferred negotiator's price, 10,200,000, shared equally by the three bodies of R4:
    // 10,200,000 ÷ 3 = 3,400,000 each, ⌊3,400,000 × 1.1⌋ = 3,740,000 with tax
    expect((await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token, body: { method: 'equal', total: 10_200_000 } })).status).toBe(200);
    h.clock.set('2022-05-20T10:00:00.000+09:00');
    const award = await h.call('POST', `/api/cases/${caseId}/award`, { token, body: {} });
    expect(award.status, award.text).toBe(201);
    expect(award.body.award).toMatchObject({ vendorId: hitachi.id, amount: 10_200_000, amountWithTax: 11_220_000, basis: 'evaluation' });
    const r4 = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2022`, { token });
    expect(r4.body).toMatchObject({ fiscalYear: 2022, closed: true, sum: 10_200_000 });
    expect(r4.body.shares.map((s: Share) => [s.memberName, s.amount])).toEqual(expect.arrayContaining([['大阪府', 3_400_000], ['豊中市', 3_400_000], ['吹田市', 3_400_000]]));
    expect(r4.body.shares).toHaveLength(3);
    // R4.6~7 各団体が契約締結: one contract per participating body
    const contracts = await h.call('GET', `/api/cases/${caseId}/contracts`, { token });
    expect(contracts.status, contracts.text).toBe(200);
    expect(contracts.body.contracts).toHaveLength(3);
    expect(new Set(contracts.body.contracts.map((k: ContractView) => k.partyMemberId))).toEqual(joining);
    for (const k of contracts.body.contracts as ContractView[]) {
      expect(k).toMatchObject({ kind: 'individual', vendorId: hitachi.id, fiscalYear: 2022, amount: 3_400_000, amountWithTax: 3_740_000 });
    }

    // 追加の参加団体を随時受付: 高槻市 joins in October 2022; FY2022 is closed, so it joins from FY2023
    h.clock.set('2022-10-03T10:00:00.000+09:00');
    const late = await h.call('PUT', `/api/cases/${caseId}/participants/${id('高槻市')}`, { token: members['高槻市'], body: { participating: true, options: {} } });
    expect(late.status, late.text).toBe(200);
    expect(late.body.participant).toMatchObject({ participating: true, lateJoin: true, fromFiscalYear: 2023, provisional: false });
    expect((await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2022`, { token })).body).toEqual(r4.body);
    expect((await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2022`, { token })).body.contracts).toEqual(contracts.body.contracts);
    const r5 = await h.call('GET', `/api/cases/${caseId}/apportionment?fiscalYear=2023`, { token });
    expect(r5.body.closed).toBe(false);
    expect(new Set(r5.body.shares.map((s: Share) => s.memberId))).toEqual(new Set([...joining, id('高槻市')]));
    const r5contracts = await h.call('GET', `/api/cases/${caseId}/contracts?fiscalYear=2023`, { token });
    expect(r5contracts.body.contracts.map((k: ContractView) => k.partyMemberId)).toContain(id('高槻市'));
    expect(r5contracts.body.contracts).toHaveLength(4);

    // the documents issued up to the award are the same files after 高槻市 joined
    const issued = await issuedDocuments(h, scratch, caseId, token);
    expect(issued.map((d) => d.kind)).toEqual(expect.arrayContaining(['spec', 'comment-responses', 'evaluation-summary', 'award']));
    const notice = issued.find((d) => d.kind === 'award')!;
    expect(notice.text).toContain('株式会社日立システムズ'.replace(/\s/g, ''));
    expect(notice.text).not.toContain('高槻市');
    const result = issued.filter((d) => d.kind === 'evaluation-summary').at(-1)!;
    expect(result.text).toContain('株式会社日立システムズ');
    await h.call('PUT', `/api/cases/${caseId}/participants/${id('高槻市')}`, { token, body: { participating: false, options: {} } });
    await expectUnchanged(h, caseId, token, issued);
  });
});
