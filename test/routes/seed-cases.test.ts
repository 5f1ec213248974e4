import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OPERATOR, PASSWORD, createHarness } from '../helpers/harness.ts';

// The four cases of the source document (自治体DX推進参考事例集 4.共同調達), entered as described there.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

async function consortium(name: string, label: string) {
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  const res = await h.call('POST', '/api/consortia', {
    token: operator,
    body: { name, secretariat: { email: `sec-${label}@seed.example`, name: `${name} 事務局`, password: PASSWORD } },
  });
  expect(res.status).toBe(201);
  return h.login(`sec-${label}@seed.example`);
}

function checkDigit(first5: string) {
  const sum = [6, 5, 4, 3, 2].reduce((acc, w, i) => acc + w * Number(first5[i]), 0);
  return (11 - (sum % 11)) % 10;
}

/** Imports the member list through the CSV endpoint, as the secretariat does from Excel. */
async function importMembers(token: string, rows: [string, string, string, number?, Record<string, number>?][], encoding: 'utf8' | 'cp932' = 'utf8') {
  const years = [...new Set(rows.flatMap(([, , , , births]) => Object.keys(births ?? {})))].sort();
  const lines = [['団体名', '区分', '団体コード', '人口', ...years.map((y) => `出生数_${y}`)].join(',')];
  for (const [name, kind, code5, population, births] of rows) {
    lines.push([name, kind, code5 + checkDigit(code5), population ?? '', ...years.map((y) => births?.[y] ?? '')].join(','));
  }
  const text = lines.join('\r\n');
  const body = encoding === 'cp932' ? new Uint8Array(iconv.encode(text, 'cp932')) : new TextEncoder().encode(text);
  const res = await h.call('POST', '/api/members/import', { token, body, headers: { 'content-type': 'text/csv' } });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ created: rows.length, updated: 0, errors: [] });
  const list = await h.call('GET', '/api/members', { token });
  return new Map<string, string>(list.body.members.map((m: { name: string; id: string }) => [m.name, m.id]));
}

async function join(token: string, caseId: string, memberId: string, options: Record<string, boolean | number> = {}) {
  const res = await h.call('PUT', `/api/cases/${caseId}/participants/${memberId}`, { token, body: { participating: true, options } });
  expect(res.status, res.text).toBe(200);
  return res.body.participant;
}

async function move(token: string, caseId: string, to: string) {
  const res = await h.call('POST', `/api/cases/${caseId}/transition`, { token, body: { to } });
  expect(res.status, res.text).toBe(200);
}

describe('熊本県: AI議事録作成システム, one bulk contract by the prefecture, tier prices by 市・町・村', () => {
  const cities = [['熊本市', '43100'], ['八代市', '43202'], ['人吉市', '43203'], ['荒尾市', '43204'], ['水俣市', '43205'], ['玉名市', '43206'], ['山鹿市', '43208'], ['菊池市', '43210'], ['宇土市', '43211'], ['上天草市', '43212'], ['宇城市', '43213'], ['阿蘇市', '43214'], ['天草市', '43215'], ['合志市', '43216']];
  const towns = [['美里町', '43348'], ['玉東町', '43364'], ['南関町', '43367'], ['長洲町', '43368'], ['和水町', '43369'], ['大津町', '43403'], ['菊陽町', '43404'], ['南小国町', '43423'], ['小国町', '43424'], ['高森町', '43428'], ['御船町', '43441'], ['嘉島町', '43442'], ['益城町', '43443'], ['甲佐町', '43444'], ['山都町', '43447'], ['氷川町', '43468'], ['芦北町', '43482'], ['津奈木町', '43484'], ['錦町', '43501'], ['多良木町', '43505'], ['湯前町', '43506'], ['あさぎり町', '43514'], ['苓北町', '43531']];
  const villages = [['産山村', '43425'], ['西原村', '43432'], ['南阿蘇村', '43433'], ['水上村', '43507'], ['相良村', '43510'], ['五木村', '43511'], ['山江村', '43512'], ['球磨村', '43513']];

  it('surveys all 46 members, decides the case at about 1/4 intending, and charges 7,020千円 for the 12 bodies of R5', async () => {
    const token = await consortium('熊本県・市町村電子自治体共同運営協議会', 'kumamoto');
    // the member list arrives as Excel saves it in Japan: Shift_JIS
    const ids = await importMembers(
      token,
      [['熊本県', '都道府県', '43000'], ...cities.map(([n, c]) => [n!, '市', c!] as [string, string, string]), ...towns.map(([n, c]) => [n!, '町', c!] as [string, string, string]), ...villages.map(([n, c]) => [n!, '村', c!] as [string, string, string])],
      'cp932',
    );
    expect(ids.size).toBe(46);

    // 8月の参加意向調査: the secretariat proposes the system; a case is decided when about 1/4 intend to join
    const survey = await h.call('POST', '/api/surveys', {
      token,
      body: { title: '令和5年度 共同運用システム参加意向調査', candidates: [{ code: 'ai-minutes', name: 'AI議事録作成・音声文字起こしシステム' }], points: [1], threshold: 0.25 },
    });
    expect(survey.status).toBe(201);
    const r5 = ['熊本県', '熊本市', '八代市', '人吉市', '荒尾市', '玉名市', '合志市', '菊陽町', '大津町', '高森町', '西原村', '産山村'];
    for (const name of r5) {
      const res = await h.call('PUT', `/api/surveys/${survey.body.survey.id}/responses/${ids.get(name)}`, { token, body: { intents: { 'ai-minutes': 'join' } } });
      expect(res.status).toBe(200);
    }
    const results = await h.call('GET', `/api/surveys/${survey.body.survey.id}/results`, { token });
    expect(results.body).toMatchObject({ members: 46, respondents: 12, results: [{ code: 'ai-minutes', intending: 12, meetsThreshold: true }] });
    expect(results.body.results[0].intendingShare).toBeCloseTo(12 / 46, 10);

    const created = await h.call('POST', '/api/cases', {
      token,
      body: { title: 'AI議事録作成・音声文字起こしシステム共同運用', method: 'proposal', contractMode: 'bulk', fiscalYear: 2023 },
    });
    const caseId = created.body.case.id;
    for (const name of r5) await join(token, caseId, ids.get(name)!);
    // prices per kind of body agreed with the vendor in advance (illustrative; they reproduce the seed's total)
    const set = await h.call('PUT', `/api/cases/${caseId}/apportionment`, {
      token,
      body: { method: 'tier', tierPrices: { prefecture: 2_340_000, city: 540_000, town: 360_000, village: 180_000 } },
    });
    expect(set.status).toBe(200);
    expect(set.body.shares).toHaveLength(12);
    expect(set.body.total).toBe(7_020_000);
    expect(set.body.shares.find((s: { memberName: string }) => s.memberName === '高森町').amount).toBe(360_000);

    // R6: 14団体 (2団体追加), joining after the contract started
    await move(token, caseId, 'open');
    for (const name of ['芦北町', '五木村']) expect((await join(token, caseId, ids.get(name)!)).lateJoin).toBe(true);
    const r6 = await h.call('GET', `/api/cases/${caseId}/apportionment`, { token });
    expect(r6.body.shares).toHaveLength(14);
    expect(r6.body.total).toBe(7_020_000 + 360_000 + 180_000);
  });
});

describe('長野県: 子育て支援アプリ, the union contracts for all, shares by births two fiscal years earlier', () => {
  it('splits 9,461千円 a year by FY N−2 births, exactly, and again after a late join', async () => {
    const token = await consortium('長野県市町村自治振興組合', 'nagano');
    const ids = await importMembers(token, [
      ['長野市', '市', '20201', 370_000, { '2021': 2_450, '2022': 2_400 }],
      ['松本市', '市', '20202', 237_000, { '2021': 1_800, '2022': 1_750 }],
      ['上田市', '市', '20203', 154_000, { '2021': 1_100, '2022': 1_050 }],
      ['小布施町', '町', '20541', 11_000, { '2021': 62, '2022': 60 }],
      ['売木村', '村', '20410', 500, { '2021': 4, '2022': 3 }],
      ['信濃町', '町', '20583', 7_600, { '2021': 41, '2022': 40 }],
    ]);
    const created = await h.call('POST', '/api/cases', {
      token,
      body: { title: '子育て支援アプリ', method: 'proposal', contractMode: 'bulk', fiscalYear: 2024, options: [{ code: 'push', name: 'プッシュ通知オプション' }] },
    });
    const caseId = created.body.case.id;
    for (const name of ['長野市', '松本市', '上田市', '小布施町', '売木村']) await join(token, caseId, ids.get(name)!);
    await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token, body: { method: 'births', total: 9_461_000 } });

    // FY2022 births 2,400 / 1,750 / 1,050 / 60 / 3 (total 5,263); 9,461,000 × b ÷ 5,263, the three yen left
    // over to the largest remainders (売木村 .932, 松本市 .876, 小布施町 .636)
    const shares = (await h.call('GET', `/api/cases/${caseId}/apportionment`, { token })).body;
    expect(shares.shares.map((s: { memberName: string; base: number }) => [s.memberName, s.base])).toEqual([
      ['長野市', 4_314_345],
      ['松本市', 3_145_877],
      ['上田市', 1_887_526],
      ['売木村', 5_393],
      ['小布施町', 107_859],
    ]);
    expect(shares.sum).toBe(9_461_000);

    // 参加のタイミングを複数回: 信濃町 joins after the procurement
    await move(token, caseId, 'open');
    await move(token, caseId, 'evaluation');
    await move(token, caseId, 'awarded');
    const late = await join(token, caseId, ids.get('信濃町')!);
    expect(late.lateJoin).toBe(true);
    const after = (await h.call('GET', `/api/cases/${caseId}/apportionment`, { token })).body;
    expect(after.shares).toHaveLength(6);
    expect(after.shares.reduce((a: number, s: { base: number }) => a + s.base, 0)).toBe(9_461_000);
  });
});

describe('岐阜県: 電子契約システム, general competitive tender, each body contracts, options listed per body', () => {
  it('records every participating body with its options and apportions nothing', async () => {
    const token = await consortium('岐阜県・市町村DX推進連絡協議会', 'gifu');
    const bodies: [string, string, string][] = [['岐阜県', '都道府県', '21000'], ['岐阜市', '市', '21201'], ['大垣市', '市', '21202'], ['高山市', '市', '21203'], ['多治見市', '市', '21204'], ['関市', '市', '21205'], ['中津川市', '市', '21206'], ['美濃市', '市', '21207'], ['瑞浪市', '市', '21208'], ['羽島市', '市', '21209'], ['恵那市', '市', '21210'], ['美濃加茂市', '市', '21211'], ['土岐市', '市', '21212'], ['各務原市', '市', '21213'], ['可児市', '市', '21214'], ['山県市', '市', '21215'], ['瑞穂市', '市', '21216']];
    const ids = await importMembers(token, bodies);
    const created = await h.call('POST', '/api/cases', {
      token,
      body: {
        title: '電子契約システム',
        method: 'competitive_bid',
        contractMode: 'individual',
        fiscalYear: 2023,
        options: [{ code: 'consult', name: '導入支援コンサル' }, { code: 'users', name: '利用者ID（追加分）' }],
      },
    });
    const caseId = created.body.case.id;
    // 県及び県内16団体; the prefecture alone takes the consulting (39千円, 県庁分のみ)
    for (const [name] of bodies) await join(token, caseId, ids.get(name)!, name === '岐阜県' ? { consult: true, users: 50 } : { consult: false, users: 0 });
    await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token, body: { method: 'none' } });
    const participants = (await h.call('GET', `/api/cases/${caseId}/participants`, { token })).body.participants;
    expect(participants).toHaveLength(17);
    expect(participants.find((p: { memberName: string }) => p.memberName === '岐阜県').options).toEqual({ consult: true, users: 50 });
    expect((await h.call('GET', `/api/cases/${caseId}/apportionment`, { token })).body).toMatchObject({ method: 'none', shares: [] });
    const csv = await h.call('GET', `/api/cases/${caseId}/apportionment.csv`, { token });
    expect(csv.text).toContain('岐阜県,都道府県,参加,2026-04-01,,○,50');
    expect(csv.text.split('\r\n').filter((l) => /,参加,\d{4}-\d{2}-\d{2},/.test(l))).toHaveLength(17);
  });
});

describe('大阪府: 文書管理・電子決裁システム, two-stage April survey 1位=2点 2位=1点, individual contracts', () => {
  it('procures the top-scoring system and accepts late joiners any time', async () => {
    const token = await consortium('GovTech大阪', 'osaka');
    const ids = await importMembers(token, [['大阪府', '都道府県', '27000'], ['堺市', '市', '27140'], ['豊中市', '市', '27203'], ['吹田市', '市', '27205'], ['高槻市', '市', '27207'], ['枚方市', '市', '27210'], ['茨木市', '市', '27211']]);
    // stage 2: rank the candidates collected in stage 1
    const survey = await h.call('POST', '/api/surveys', {
      token,
      body: {
        title: '令和4年度 共同調達希望案件アンケート（2回目）',
        candidates: [{ code: 'docs', name: '文書管理・電子決裁システム' }, { code: 'chat', name: 'チャットツール' }, { code: 'form', name: '電子申請システム' }],
        points: [2, 1],
      },
    });
    const sid = survey.body.survey.id;
    const rankings: Record<string, string[]> = { 堺市: ['docs', 'chat'], 豊中市: ['docs', 'form'], 吹田市: ['chat', 'docs'], 高槻市: ['form', 'docs'], 枚方市: ['docs', 'chat'] };
    for (const [name, ranking] of Object.entries(rankings)) {
      expect((await h.call('PUT', `/api/surveys/${sid}/responses/${ids.get(name)}`, { token, body: { ranking } })).status).toBe(200);
    }
    const results = (await h.call('GET', `/api/surveys/${sid}/results`, { token })).body.results;
    // docs 2+2+1+1+2 = 8, chat 1+2+1 = 4, form 1+2 = 3
    expect(results.map((r: { code: string; points: number }) => [r.code, r.points])).toEqual([['docs', 8], ['chat', 4], ['form', 3]]);

    const created = await h.call('POST', '/api/cases', {
      token,
      body: { title: results[0].name, method: 'proposal', contractMode: 'individual', fiscalYear: 2022, options: [{ code: 'ocr', name: '電子化OCRオプション' }] },
    });
    const caseId = created.body.case.id;
    // R4: 3 bodies that declared before the notice; R5: 3 more accepted at any time (随時受付)
    for (const name of ['大阪府', '豊中市', '吹田市']) expect((await join(token, caseId, ids.get(name)!, { ocr: name === '豊中市' })).lateJoin).toBe(false);
    await move(token, caseId, 'spec_review');
    await move(token, caseId, 'open');
    for (const name of ['堺市', '高槻市', '枚方市']) expect((await join(token, caseId, ids.get(name)!)).lateJoin).toBe(true);
    await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token, body: { method: 'none' } });
    const participants = (await h.call('GET', `/api/cases/${caseId}/participants`, { token })).body.participants;
    expect(participants.filter((p: { participating: boolean }) => p.participating)).toHaveLength(6);
    expect((await h.call('GET', `/api/cases/${caseId}/apportionment`, { token })).body.shares).toEqual([]);
  });
});
