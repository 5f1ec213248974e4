import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { points } from '../../src/domain/format.ts';
import { Scratch, assertPdfToolsInstalled, pageTexts, qpdfCheck, rawText } from '../documents/pdf-tools.ts';
import { type Harness, OPERATOR, PASSWORD, createHarness, putSpec } from '../helpers/harness.ts';

// The records a case issues, read as a municipal official reads them: the spec (仕様書), the evaluation
// result (評価結果, public and internal) and the comment-response table (意見対応表).

let h: Harness;
let sec: string;
let memberToken: string;
const scratch = new Scratch();
const memberIds: string[] = [];
const members = ['熊本県', '熊本市', '八代市', '人吉市', '荒尾市', '水俣市'];
const vendorNames = ['株式会社肥後システム', '阿蘇データ株式会社', '有明ソリューションズ株式会社', '球磨クラウド株式会社'];
const vendorIds: string[] = [];
const vendorTokens: string[] = [];
const evaluatorIds: string[] = [];
const evaluatorTokens: string[] = [];
const ISSUER = '熊本県市町村DX推進協議会';

interface Pdf {
  file: string;
  /** whitespace removed, in drawing order */
  text: string;
  /** the lines as pdftotext -raw gives them */
  lines: string[];
  /** each page as pdftotext -layout lays it out */
  pages: string[];
  /** the PDF's title (the document title, （案） included) */
  title: string;
}

let fileNo = 0;
async function pdf(path: string, token = sec): Promise<Pdf> {
  const res = await h.call('GET', path, { token });
  expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const name = `${path.split('/').slice(-1)[0]!.replace(/\?.*$/, '').replace(/\.pdf$/, '')}-${++fileNo}.pdf`;
  const file = scratch.write(name, res.bytes);
  if (process.env.DOCS_OUT) writeFileSync(`${process.env.DOCS_OUT}/${name}`, res.bytes);
  qpdfCheck(file);
  const lines = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).split(/\r?\n|\f/);
  const info = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
  const title = /^Title:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? '';
  return { file, text: rawText(file), lines, pages: pageTexts(file), title };
}

const ok = async (res: Promise<{ status: number; text: string; body: any }>, status = 200) => {
  const r = await res;
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  return r.body;
};

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  await ok(h.call('POST', '/api/consortia', { token: operator, body: { name: '熊本DX協議会', secretariat: { email: 'sec-rec@test.example', name: '事務局', password: PASSWORD } } }), 201);
  sec = await h.login('sec-rec@test.example');
  await ok(
    h.call('PUT', '/api/consortium/settings', {
      token: sec,
      body: {
        issuerName: ISSUER,
        issuerTitle: '会長',
        issuerPerson: '木村 敬',
        address: '熊本市中央区水前寺6丁目18番1号',
        department: '熊本県 企画振興部 デジタル戦略局',
        contact: '電話 096-000-0000',
        documentNumberPattern: '熊DX協第{n}号',
        era: 'wareki',
      },
    }),
  );
  for (const [i, name] of members.entries()) {
    const m = await ok(h.call('POST', '/api/members', { token: sec, body: { name, kind: i === 0 ? 'prefecture' : 'city', population: 10_000 * (i + 1) } }), 201);
    memberIds.push(m.member.id);
  }
  await ok(h.call('POST', '/api/users', { token: sec, body: { email: 'member-rec@test.example', name: '熊本市 情報政策課', role: 'member', password: PASSWORD, memberId: memberIds[1] } }), 201);
  memberToken = await h.login('member-rec@test.example');
  for (const [i, name] of vendorNames.entries()) {
    const v = await ok(h.call('POST', '/api/vendors', { token: sec, body: { name } }), 201);
    vendorIds.push(v.vendor.id);
    await ok(h.call('POST', '/api/users', { token: sec, body: { email: `v${i}-rec@test.example`, name: '担当', role: 'vendor', password: PASSWORD, vendorId: v.vendor.id } }), 201);
    vendorTokens.push(await h.login(`v${i}-rec@test.example`));
  }
  for (const n of [1, 2]) {
    const u = await ok(h.call('POST', '/api/users', { token: sec, body: { email: `iin${n}-rec@test.example`, name: `評価委員氏名${n}`, role: 'evaluator', password: PASSWORD } }), 201);
    evaluatorIds.push(u.user.id);
    evaluatorTokens.push(await h.login(`iin${n}-rec@test.example`));
  }
});
afterAll(async () => {
  scratch.remove();
  await h.close();
});

const options = [
  { code: 'consult', name: '導入支援コンサルティング' },
  { code: 'users', name: '追加利用者ID' },
  { code: 'lgwan', name: 'LGWAN接続サービス' },
  { code: 'training', name: '職員向け操作研修' },
  { code: 'helpdesk', name: '24時間ヘルプデスク' },
  { code: 'migration', name: '既存データ移行' },
  { code: 'backup', name: '遠隔地バックアップ' },
  { code: 'sso', name: 'シングルサインオン連携' },
];

describe('the spec (仕様書)', () => {
  let caseId: string;
  let issued: Pdf;

  beforeAll(async () => {
    h.clock.set('2026-04-01T09:00:00.000+09:00');
    const created = await ok(
      h.call('POST', '/api/cases', {
        token: sec,
        body: {
          title: '文書管理システム',
          method: 'proposal',
          contractMode: 'bulk',
          fiscalYear: 2026,
          description: '文書管理と電子決裁を県及び県内市町村で共同調達する。',
          options,
          // the case's own field says 5月10日; the RFI the vendors answer closes on 5月15日
          rfiDeadline: '2026-05-10T17:00:00.000+09:00',
          submissionDeadline: '2026-06-30T17:00:00.000+09:00',
        },
      }),
      201,
    );
    caseId = created.case.id;
    for (const [i, id] of memberIds.entries()) {
      await ok(h.call('PUT', `/api/cases/${caseId}/participants/${id}`, { token: sec, body: { participating: true, options: i === 0 ? { consult: true, users: 50, sso: true } : i === 2 ? { users: 12, helpdesk: true } : {} } }));
    }
    await ok(h.call('PUT', `/api/cases/${caseId}/rfi`, { token: sec, body: { deadline: '2026-05-15T17:00:00.000+09:00', questions: [{ code: 'q1', text: '概算費用', kind: 'price' }] } }));
    await ok(
      h.call('PUT', `/api/cases/${caseId}/spec`, {
        token: sec,
        body: {
          sections: [
            { heading: '業務の目的', body: '文書の作成から保存までを電子で完結させる。\n1 目的\n(1) 事務の効率化' },
            { heading: '第3章 業務の内容', body: 'クラウドサービスとして提供すること。' },
          ],
          requirements: [{ code: 'F-1', text: '起案から決裁まで電子で完結すること。', level: 'must' }],
        },
      }),
    );
    await ok(
      h.call('PUT', `/api/cases/${caseId}/evaluation`, {
        token: sec,
        body: {
          criteria: [
            { code: 'func', group: '機能', name: '機能の充足度', maxPoints: 60, mode: 'points', guidance: '必須要件を満たした上で、職員の操作性が高いか' },
            { code: 'sec', group: '必須', name: '情報セキュリティ', maxPoints: 0, mode: 'pass_fail' },
            { code: 'price', group: '価格', name: '提案価格', maxPoints: 40, mode: 'price' },
          ],
          aggregation: 'average',
          evaluatorIds,
        },
      }),
    );
    // published on 10 April: the spec is issued then, and dated then
    h.clock.set('2026-04-10T10:00:00.000+09:00');
    await putSpec(h, sec, caseId);
    await ok(h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'open' } }));
    const list = await ok(h.call('GET', `/api/cases/${caseId}/documents`, { token: sec }));
    expect(list.documents.map((d: { kind: string; version: number }) => [d.kind, d.version])).toEqual([['spec', 1]]);
    // downloaded ten days later
    h.clock.set('2026-04-20T15:00:00.000+09:00');
    issued = await pdf(`/api/cases/${caseId}/documents/spec.pdf`);
  });

  it('is the issued record, dated the day it was issued, with its number and the issuer at the right', () => {
    expect(issued.title).toBe('文書管理システム 仕様書');
    const top = issued.lines.slice(0, 5);
    expect(top).toContain('熊DX協第1号');
    expect(top).toContain('令和8年4月10日（2026年4月10日）');
    expect(issued.text).not.toContain('令和8年4月20日');
    expect(top).toContain(ISSUER);
    expect(top.map((l) => l.replace(/\s+/g, ''))).toContain('会長木村敬');
  });

  it('states the term and place of performance, never starting before the spec is published', async () => {
    // published on 10 April of its fiscal year: the term cannot have begun on 1 April
    expect(issued.text).toContain('履行期間契約締結の日から令和9年3月31日まで');
    expect(issued.text).not.toContain('令和8年4月1日から');
    expect(issued.text).toContain('履行場所各参加団体の指定する場所');
    // a case for the next fiscal year runs the whole of it
    const next = await ok(h.call('POST', '/api/cases', { token: sec, body: { title: '翌年度の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2027 } }), 201);
    expect((await pdf(`/api/cases/${next.case.id}/documents/spec.pdf`)).text).toContain('履行期間令和9年4月1日から令和10年3月31日まで');
  });

  it('names the fiscal year in the consortium\'s calendar first', () => {
    expect(issued.text).toContain('年度令和8年度（2026年度）');
    expect(issued.text).not.toContain('2026年度（令和8年度）');
  });

  it('numbers the template\'s and the secretariat\'s sections in one sequence, 第1 to 第N', () => {
    const headings = issued.lines.map((l) => /^第(\d+) (\S.*)$/.exec(l.trim())).filter((m) => m !== null);
    expect(headings.map((m) => Number(m[1]))).toEqual(headings.map((_, i) => i + 1));
    expect(headings.map((m) => m[2])).toEqual(['概要', '調達の範囲', '業務の目的', '業務の内容', '機能要件', '参加団体とオプション', '日程', '評価基準', '提出方法', '問合せ先']);
    // the number the secretariat typed (第3章) is not printed beside the spec's own
    expect(issued.text).not.toContain('第3章');
    // what it wrote inside its section stays as written
    expect(issued.lines).toContain('1 目的');
    expect(issued.lines).toContain('(1) 事務の効率化');
    // a sub-heading of a section is 1, 2 …
    expect(issued.lines).toContain('1 評価の方法');
    expect(issued.lines).toContain('2 評価項目と配点');
  });

  it('prints the schedule a proposal runs on: the RFI deadline the RFI enforces and the proposal deadline, no bid', () => {
    expect(issued.text).toContain('情報提供依頼（RFI）の回答期限令和8年5月15日（金）17時00分');
    expect(issued.text).not.toContain('5月10日');
    expect(issued.text).toContain('提案書の提出期限令和8年6月30日（火）17時00分');
    expect(issued.text).not.toContain('入札締切');
    expect(issued.text).not.toContain('開札日時');
  });

  it('keeps the member × option table readable with 8 options: coded columns, one header line, a legend', () => {
    for (const [i, o] of options.entries()) expect(issued.lines, o.name).toContain(`${String.fromCodePoint(0x2460 + i)} ${o.name}${i === 0 || i === 7 ? ' 1団体 —' : i === 1 ? ' 2団体 62' : i === 4 ? ' 1団体 —' : ' 0団体 —'}`);
    const page = issued.pages.find((p) => p.includes('団体名'))!;
    const rows = page.split('\n').filter((l) => l.trim() !== '');
    const header = rows.findIndex((l) => l.includes('団体名') && l.includes('参加日'));
    expect(header).toBeGreaterThanOrEqual(0);
    // every column's heading on the one line, in order
    expect(rows[header]!.replace(/\s+/g, ' ').trim()).toBe('団体名 区分 ① ② ③ ④ ⑤ ⑥ ⑦ ⑧ 参加日');
    // and the next line is a body's row, not the rest of a wrapped heading
    // 参加日 in 和暦 as every other date of the document (R8.4.1, as the comment table prints dates)
    expect(rows[header + 1]!.trim()).toMatch(new RegExp(`^(${members.join('|')})\\s+(都道府県|市)(\\s+(○|—|\\d+)){8}\\s+R8\\.4\\.1$`));
    expect(rows.find((l) => l.trim().startsWith('熊本県'))!.trim()).toMatch(/^熊本県\s+都道府県\s+○\s+50\s+—\s+—\s+—\s+—\s+—\s+○\s+R8\.4\.1$/);
    expect(issued.text).not.toContain('2026/4/1');
    for (const name of members) expect(issued.text).toContain(name);
    // the bodies in the order the apportionment (and so the award notice's shares) lists them
    const listed = rows.slice(header + 1).map((l) => members.find((m) => l.trim().startsWith(`${m} `))).filter(Boolean);
    expect(listed).toEqual([...members].sort((a, b) => a.localeCompare(b, 'ja')));
  });

  it('prints each criterion\'s 評価の視点', () => {
    expect(issued.text).toContain('評価の視点');
    expect(issued.text).toContain('必須要件を満たした上で、職員の操作性が高いか');
    expect(issued.text).toContain('小数第3位を四捨五入');
  });

  it('prints a tender\'s deadline and opening, and no proposal deadline (a 随意契約 no competition schedule)', async () => {
    h.clock.set('2026-04-20T15:00:00.000+09:00');
    const bid = await ok(
      h.call('POST', '/api/cases', {
        token: sec,
        body: { title: '電子入札の案件', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026, options: options.slice(0, 2), submissionDeadline: '2026-07-31T17:00:00.000+09:00' },
      }),
      201,
    );
    await ok(h.call('PUT', `/api/cases/${bid.case.id}/participants/${memberIds[0]}`, { token: sec, body: { participating: true, options: { consult: true } } }));
    await ok(h.call('PUT', `/api/cases/${bid.case.id}/spec`, { token: sec, body: { sections: [{ heading: '業務の目的', body: '入札の目的' }] } }));
    await ok(h.call('PUT', `/api/cases/${bid.case.id}/bidding`, { token: sec, body: { ceilingPrice: 5_000_000, ceilingPublic: true, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00' } }));
    await putSpec(h, sec, bid.case.id);
    await ok(h.call('POST', `/api/cases/${bid.case.id}/transition`, { token: sec, body: { to: 'open' } }));
    const spec = await pdf(`/api/cases/${bid.case.id}/documents/spec.pdf`);
    expect(spec.title).toBe('電子入札の案件 仕様書');
    expect(spec.text).toContain('入札締切令和8年6月9日（火）17時00分');
    expect(spec.text).toContain('開札日時令和8年6月10日（水）10時00分');
    expect(spec.text).not.toContain('提案書');
    expect(spec.text).not.toContain('7月31日');
    // two options are headed by their names, without a legend
    expect(spec.text).toContain('導入支援コンサルティング');
    expect(spec.text).not.toContain('オプションの記号');

    const negotiated = await ok(
      h.call('POST', '/api/cases', {
        token: sec,
        body: { title: '随意契約の案件', method: 'negotiated', negotiatedGround: '2', negotiatedReason: '既存システムの改修であり、開発者以外に行えないため', contractMode: 'bulk', fiscalYear: 2026 },
      }),
      201,
    );
    await ok(h.call('PUT', `/api/cases/${negotiated.case.id}/spec`, { token: sec, body: { sections: [{ heading: '業務の目的', body: '改修' }] } }));
    const draft = await pdf(`/api/cases/${negotiated.case.id}/documents/spec.pdf`);
    expect(draft.title).toBe('随意契約の案件 仕様書（案）');
    expect(draft.text).toContain('地方自治法施行令第167条の2第1項第2号');
    for (const absent of ['日程', '提出期限', '入札締切', '開札', '提出方法']) expect(draft.text, absent).not.toContain(absent);
    const headings = draft.lines.map((l) => /^第(\d+) /.exec(l.trim())?.[1]).filter(Boolean).map(Number);
    expect(headings).toEqual(headings.map((_, i) => i + 1));
  });
});

describe('the evaluation result (評価結果)', () => {
  let caseId: string;
  // submitted in this order: 提案者A, B, C, D
  const prices = [7_000_000, 6_500_000, 6_000_000, 8_000_000];
  // per evaluator: [func, sec] for A, B, C, D — C fails 情報セキュリティ, D stays under the 最低基準点 (36)
  const sheets: [number, boolean][][] = [
    [[50, true], [45.07, true], [55, false], [10.07, true]],
    [[52, true], [45.08, true], [57, false], [10.08, true]],
  ];

  beforeAll(async () => {
    h.clock.set('2026-05-01T09:00:00.000+09:00');
    const created = await ok(
      h.call('POST', '/api/cases', {
        token: sec,
        body: { title: '電子申請システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-05-20T17:00:00.000+09:00', options: [{ code: 'extra', name: '追加ID', price: 24_000 }] },
      }),
      201,
    );
    caseId = created.case.id;
    for (const id of memberIds.slice(0, 3)) await ok(h.call('PUT', `/api/cases/${caseId}/participants/${id}`, { token: sec, body: { participating: true, options: {} } }));
    await ok(h.call('PUT', `/api/cases/${caseId}/apportionment`, { token: sec, body: { method: 'population', total: 9_000_000 } }));
    await ok(
      h.call('PUT', `/api/cases/${caseId}/evaluation`, {
        token: sec,
        body: {
          criteria: [
            { code: 'func', name: '機能', maxPoints: 60, mode: 'points', guidance: '業務の流れに沿っているか' },
            { code: 'sec', name: '情報セキュリティ', maxPoints: 0, mode: 'pass_fail' },
            { code: 'price', name: '価格', maxPoints: 40, mode: 'price' },
          ],
          aggregation: 'average',
          evaluatorIds,
          anonymize: true,
        },
      }),
    );
    await putSpec(h, sec, caseId);
    await ok(h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'open' } }));
    for (const [i, price] of prices.entries()) {
      h.clock.set(`2026-05-0${2 + i}T10:00:00.000+09:00`);
      await ok(h.call('PUT', `/api/cases/${caseId}/proposal`, { token: vendorTokens[i], body: { price } }));
    }
    h.clock.set('2026-05-21T10:00:00.000+09:00');
    await ok(h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'evaluation' } }));
    for (const [n, token] of evaluatorTokens.entries()) {
      await ok(h.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token, body: { conflict: false } }));
      const listed = (await ok(h.call('GET', `/api/cases/${caseId}/evaluation/proposals`, { token }))).proposals as { ref: string; price: number }[];
      for (const [i, price] of prices.entries()) {
        const ref = listed.find((p) => p.price === price)!.ref;
        const [func, secure] = sheets[n]![i]!;
        await ok(h.call('PUT', `/api/cases/${caseId}/evaluation/sheets/${ref}`, { token, body: { scores: { func, sec: secure } } }));
        await ok(h.call('POST', `/api/cases/${caseId}/evaluation/sheets/${ref}/submit`, { token }));
      }
    }
    h.clock.set('2026-05-25T10:00:00.000+09:00');
    await ok(h.call('POST', `/api/cases/${caseId}/evaluation/close`, { token: sec }));
  });

  it('before the award, keeps the committee\'s letters and shows no evaluator\'s score', async () => {
    const summary = await pdf(`/api/cases/${caseId}/documents/evaluation-summary.pdf`, memberToken);
    expect(summary.title).toBe('電子申請システム 提案の評価結果');
    for (const expected of ['提案者A', '提案者B', '提案者C', '提案者D', '優先交渉権者提案者A', '次点提案者B']) expect(summary.text, expected).toContain(expected);
    for (const name of vendorNames) expect(summary.text, name).not.toContain(name);
    for (const absent of ['内部資料', '評価委員ごとの技術点', '委員1', '評価委員氏名']) expect(summary.text, absent).not.toContain(absent);
    // each criterion and the total per proposal
    expect(summary.text).toContain('評価項目ごとの得点');
    // the ranking on one page: its header row printed once, not again over a remainder
    expect(summary.pages.filter((p) => /順位\s+提案者\s+技術点/.test(p))).toHaveLength(1);
    expect(summary.pages.find((p) => /順位\s+提案者\s+技術点/.test(p))).toMatch(/提案者A[\s\S]*提案者B[\s\S]*提案者C[\s\S]*提案者D/);
    // A: 51 + 40 × 6/7; B: 45.075 + 40 × 6/6.5 = 81.998…; C and D failed and rank after
    expect(summary.lines).toContain('合計点 85.29 82 96 40.08');
    expect(summary.lines).toContain('機能 51 45.08 56 10.08');
    expect(summary.lines).toContain('情報セキュリティ 適 100% 適 100% 適 0% 適 100%');
  });

  it('gives each 不合格 its reason', async () => {
    const summary = await pdf(`/api/cases/${caseId}/documents/evaluation-summary.pdf`, memberToken);
    expect(summary.text).toContain('不合格とした提案');
    expect(summary.text).toContain('提案者C必須項目「情報セキュリティ」が評価委員の過半数により不適とされたため');
    expect(summary.text).toContain('提案者D技術点（10.08点）が最低基準点（36点）に達しないため');
  });

  it('states one rounding rule, and the PDF, the results and the CSV round alike', async () => {
    const summary = await pdf(`/api/cases/${caseId}/documents/evaluation-summary.pdf`, memberToken);
    expect(summary.text).toContain('点数は小数第3位を四捨五入し、小数第2位までを表示している。');
    const results = await ok(h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token: sec }));
    const byPrice = (price: number) => results.ranking.find((r: { bidPrice: number }) => r.bidPrice === price);
    // 10.07 and 10.08 average to 10.075: half up is 10.08 (the float 10.075 × 100 would round down)
    expect(byPrice(8_000_000).technical).toBe(10.075);
    expect(byPrice(6_500_000).technical).toBe(45.075);
    const csv = await h.call('GET', `/api/cases/${caseId}/evaluation/results.csv`, { token: sec });
    expect(csv.status).toBe(200);
    for (const r of results.ranking as { rank: number; vendorName: string; technical: number; price: number; total: number }[]) {
      const shown = [points(r.technical), points(r.price), points(r.total)];
      expect(csv.text).toContain(`${r.rank},${r.vendorName},${shown.join(',')},`);
      const label = `提案者${'ABCD'[prices.indexOf((r as unknown as { bidPrice: number }).bidPrice)]}`;
      expect(summary.lines.some((l) => l.includes(` ${label} ${shown.join(' ')} `)), `${label} ${shown.join(' ')}`).toBe(true);
    }
    expect(csv.text).toContain('10.08');
    expect(csv.text).toContain('45.08');
    // D's technical score: 10.08 in the CSV as in the PDF (rounding the float 10.075 × 100 gave 10.07)
    expect(csv.text).toContain(',球磨クラウド株式会社,10.08,30,40.08,不合格,');
    expect(csv.text).toContain('端数処理,点数は小数第3位を四捨五入し');
    // and the secretariat's page, with the same rule stated
    const page = (await h.page(await h.cookieFor('sec-rec@test.example'), `/cases/${caseId}/evaluation`)).text;
    expect(page).toContain('点数は小数第3位を四捨五入し、小数第2位までを表示している。');
    expect(page).toMatch(/球磨クラウド株式会社<\/th>\s*<td class="num">10\.08<\/td>\s*<td class="num">30<\/td>\s*<td class="num">40\.08<\/td>/);
  });

  it('the secretariat\'s copy is titled and marked 内部資料, with each evaluator\'s scores', async () => {
    const internal = await pdf(`/api/cases/${caseId}/documents/evaluation-internal.pdf`);
    expect(internal.title).toBe('電子申請システム 提案の評価結果（内部資料）');
    expect(internal.text).toContain('【内部資料】この資料は選定委員会の内部資料であり、公表しない。');
    expect(internal.text).toContain('評価委員ごとの技術点');
    // a working copy, not a notice: no seal block
    expect(internal.text).not.toContain('公印省略');
    const perEvaluator = internal.lines.map((l) => /^委員[12] (.+)$/.exec(l.trim())?.[1]).filter(Boolean).sort();
    expect(perEvaluator).toEqual(['50 45.07 55 10.07', '52 45.08 57 10.08']);
    expect(internal.text).not.toContain('評価委員氏名');
    // never issued: the issued copies are all public ones
    const list = await ok(h.call('GET', `/api/cases/${caseId}/documents`, { token: sec }));
    for (const d of list.documents.filter((x: { kind: string }) => x.kind === 'evaluation-summary')) {
      const issued = await pdf(d.url);
      expect(issued.text).not.toContain('内部資料');
      expect(issued.text).not.toContain('委員1');
    }
  });

  it('after the award, the public copy names the selected and runner-up vendors, in the ranking\'s order', async () => {
    h.clock.set('2026-05-28T10:00:00.000+09:00');
    const award = await ok(h.call('POST', `/api/cases/${caseId}/award`, { token: sec, body: {} }), 201);
    expect(award.award.vendorId).toBe(vendorIds[0]);
    const list = await ok(h.call('GET', `/api/cases/${caseId}/documents`, { token: sec }));
    expect(list.documents.filter((d: { kind: string }) => d.kind === 'evaluation-summary').map((d: { version: number }) => d.version)).toEqual([1, 2]);
    for (const [path, token] of [
      [`/api/cases/${caseId}/documents/evaluation-summary.pdf`, memberToken],
      [`/api/public/cases/${caseId}/documents/evaluation-summary.pdf`, undefined],
    ] as const) {
      const summary = await pdf(path, token);
      expect(summary.text, path).not.toMatch(/提案者[A-D]/);
      expect(summary.text).toContain(`優先交渉権者${vendorNames[0]}`);
      expect(summary.text).toContain(`次点${vendorNames[1]}`);
      expect(summary.text).toContain(`${vendorNames[2]}必須項目「情報セキュリティ」`);
      expect(summary.text).not.toContain('委員1');
      const results = await ok(h.call('GET', `/api/cases/${caseId}/evaluation/results`, { token: sec }));
      // the vendors in the order of the ranking table (順位・提案者・技術点…)
      const rankingOf = (p: Pdf) => {
        const table = p.text.slice(p.text.indexOf('順位提案者技術点'));
        return vendorNames.map((n) => [n, table.indexOf(n)] as const).filter(([, at]) => at >= 0 && at < 300).sort((a, b) => a[1] - b[1]).map(([n]) => n);
      };
      expect(rankingOf(summary)).toEqual(results.ranking.map((r: { vendorName: string }) => r.vendorName));
      expect(rankingOf(summary)).toEqual([vendorNames[0], vendorNames[1], vendorNames[2], vendorNames[3]]);
    }
  });
});

describe('the comment-response table (意見対応表)', () => {
  let caseId: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await ok(h.call('POST', '/api/cases', { token: sec, body: { title: '公開型GIS', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } }), 201);
    caseId = created.case.id;
    await ok(h.call('PUT', `/api/cases/${caseId}/spec`, { token: sec, body: { sections: [{ heading: '業務の目的', body: '地図情報の公開' }, { heading: '非機能要件', body: '可用性 99.5%' }] } }));
    await ok(h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'spec_review' } }));
  });

  it('with no comment there is no table: 409 for the download and the issue', async () => {
    expect((await h.call('GET', `/api/cases/${caseId}/documents/comment-responses.pdf`, { token: sec })).status).toBe(409);
    expect((await h.call('GET', `/api/cases/${caseId}/documents/comment-responses.pdf?anonymize=1`, { token: sec })).status).toBe(409);
    expect((await h.call('POST', `/api/cases/${caseId}/documents/comment-responses/issue`, { token: sec })).status).toBe(409);
  });

  it('files a comment under the version it was made on, with its dates and place, and an unanswered one as 未回答 in a draft', async () => {
    h.clock.set('2026-06-02T10:00:00.000+09:00');
    first = (await ok(h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: memberToken, body: { section: '非機能要件', text: 'バックアップの保管期間を明記してほしい。' } }), 201)).comment.id;
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    await ok(h.call('PUT', `/api/cases/${caseId}/spec`, { token: sec, body: { sections: [{ heading: '業務の目的', body: '地図情報の公開' }, { heading: '非機能要件', body: '可用性 99.5%、バックアップは7年間保管' }] } }));
    h.clock.set('2026-06-06T10:00:00.000+09:00');
    second = (await ok(h.call('POST', `/api/cases/${caseId}/spec/comments`, { token: memberToken, body: { section: '業務の目的', text: '庁内向けの地図も対象にしてほしい。' } }), 201)).comment.id;
    h.clock.set('2026-06-08T10:00:00.000+09:00');
    await ok(h.call('PUT', `/api/cases/${caseId}/spec/comments/${first}`, { token: sec, body: { response: '7年間と明記しました。', reflected: true } }));

    const table = await pdf(`/api/cases/${caseId}/documents/comment-responses.pdf`);
    expect(table.title).toBe('公開型GIS 仕様書（案）に対する意見と対応（案）');
    expect(table.text).toContain('未回答の意見があるため、この表は案である。');
    expect(table.text).toContain('反映欄○：仕様書に反映した—：反映していない未回答：まだ回答していない');
    expect(table.text).not.toContain('団体A');
    // the copy with the bodies lettered says so
    const lettered = await pdf(`/api/cases/${caseId}/documents/comment-responses.pdf?anonymize=1`);
    expect(lettered.text).toContain('意見を寄せた団体は、「団体A、B、C…」と表記している。');
    expect(lettered.text).toContain('団体AR8.6.2');
    expect(lettered.text).not.toContain('熊本市R8.6');
    const v1 = table.text.indexOf('仕様書（案）第1版に対する意見（1件）');
    const v2 = table.text.indexOf('仕様書（案）第2版に対する意見（1件）');
    expect(v1).toBeGreaterThan(0);
    expect(v2).toBeGreaterThan(v1);
    const firstAt = table.text.indexOf('バックアップの保管期間を明記してほしい');
    const secondAt = table.text.indexOf('庁内向けの地図も対象にしてほしい');
    expect(firstAt).toBeGreaterThan(v1);
    expect(firstAt).toBeLessThan(v2);
    expect(secondAt).toBeGreaterThan(v2);
    // 受付日, 回答日 and 該当箇所
    for (const header of ['該当箇所', '受付日', '回答日', '反映']) expect(table.text, header).toContain(header);
    const rows = table.pages.join('\n').split('\n');
    const answered = rows.find((l) => /^\s*1\s+非機能要件\s/.test(l))!;
    expect(answered).toMatch(/^\s*1\s+非機能要件\s+\S+\s+熊本市\s+R8\.6\.2\s+7年間と明記しました。\s+R8\.6\.8\s+○\s*$/);
    const open = rows.find((l) => /^\s*2\s+業務の目的\s/.test(l))!;
    expect(open).toMatch(/^\s*2\s+業務の目的\s+\S+\s+熊本市\s+R8\.6\.6\s+未回答\s*$/);
    expect(open).not.toContain('—');
    // a draft is never issued
    expect((await h.call('POST', `/api/cases/${caseId}/documents/comment-responses/issue`, { token: sec })).status).toBe(409);
  });

  it('is issued once every comment is answered, its title without （案）', async () => {
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    await ok(h.call('PUT', `/api/cases/${caseId}/spec/comments/${second}`, { token: sec, body: { response: '対象外とします。', reflected: false } }));
    const list = await ok(h.call('GET', `/api/cases/${caseId}/documents`, { token: sec }));
    expect(list.documents.filter((d: { kind: string }) => d.kind === 'comment-responses').map((d: { version: number }) => d.version)).toEqual([1]);
    const table = await pdf(`/api/cases/${caseId}/documents/comment-responses.pdf`);
    expect(table.title).toBe('公開型GIS 仕様書（案）に対する意見と対応');
    expect(table.lines.slice(0, 3)).toContain('令和8年6月10日（2026年6月10日）');
    expect(table.text).not.toContain('未回答の意見があるため');
    // every comment answered: the legend of the 反映 column no longer explains 未回答
    expect(table.text).toContain('反映欄○：仕様書に反映した—：反映していない');
    expect(table.text).not.toContain('未回答');
    expect(table.text).toContain('仕様書（案）第1版に対する意見（1件）');
    const open = table.pages.join('\n').split('\n').find((l) => /^\s*2\s+業務の目的\s/.test(l))!;
    expect(open).toMatch(/熊本市\s+R8\.6\.6\s+対象外とします。\s+R8\.6\.10\s+—\s*$/);
  });
});
