import { count, eq } from 'drizzle-orm';
import { bidRounds, biddings, cases, consortia, consortiumSettings, evaluations, evaluators, members, participants, proposals, rfiResponses, rfis, surveyResponses, surveys, users, vendors } from '../../schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { appendAudit } from '../db/audit.ts';
import { type Db, transaction } from '../db/client.ts';
import { insertUser } from '../db/users.ts';
import { localGovernmentCheckDigit } from '../domain/codes.ts';
import { fiscalYearOf } from '../domain/fiscal-year.ts';
import type { IssuerSettings } from '../domain/issuer.ts';
import { newId } from '../ids.ts';
import { demoAccounts } from './accounts.ts';

type Kind = (typeof members.kind.enumValues)[number];

// 熊本県・市町村電子自治体共同運営協議会 に倣った構成 (the prefecture and 13 municipalities).
// Populations and births per fiscal year are rounded figures of the right size for each body.
const demoMembers: { name: string; kind: Kind; code5: string; population: number; births?: [number, number, number] }[] = [
  { name: '熊本県', kind: 'prefecture', code5: '43000', population: 1_718_000 },
  { name: '熊本市', kind: 'city', code5: '43100', population: 737_000, births: [6_120, 5_930, 5_710] },
  { name: '八代市', kind: 'city', code5: '43202', population: 122_000, births: [820, 790, 760] },
  { name: '人吉市', kind: 'city', code5: '43203', population: 31_000, births: [190, 180, 172] },
  { name: '荒尾市', kind: 'city', code5: '43204', population: 50_000, births: [330, 315, 301] },
  { name: '玉名市', kind: 'city', code5: '43206', population: 64_000, births: [410, 398, 380] },
  { name: '合志市', kind: 'city', code5: '43216', population: 63_000, births: [620, 605, 590] },
  { name: '菊陽町', kind: 'town', code5: '43404', population: 43_000, births: [470, 480, 492] },
  { name: '大津町', kind: 'town', code5: '43403', population: 36_000, births: [330, 322, 318] },
  { name: '高森町', kind: 'town', code5: '43428', population: 6_000, births: [32, 29, 27] },
  { name: '芦北町', kind: 'town', code5: '43482', population: 16_000, births: [78, 72, 70] },
  { name: '西原村', kind: 'village', code5: '43432', population: 6_700, births: [48, 45, 44] },
  { name: '産山村', kind: 'village', code5: '43425', population: 1_400, births: [7, 6, 5] },
  { name: '五木村', kind: 'village', code5: '43511', population: 950, births: [3, 2, 2] },
];

const demoVendors = [
  { name: '株式会社肥後情報システム', email: 'vendor1@demo.example', person: '山田 太郎' },
  { name: 'くまもとクラウドサービス株式会社', email: 'vendor2@demo.example', person: '佐藤 花子' },
  { name: '火の国ソフトウェア株式会社', email: 'vendor3@demo.example', person: '鈴木 一郎' },
];

/** 法人番号 with a valid check digit (an illustrative number, not a real company's). */
const demoPendingVendor = { name: '阿蘇デジタルサービス株式会社', corporateNumber: '8900000000001' };

const day = 86_400_000;

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row!.n) === 0;
}

/** Creates the platform operator on an empty database (ADMIN_EMAIL / ADMIN_PASSWORD). */
export async function seedOperator(db: Db, auditKey: Buffer, now: Date, admin: { email: string; password: string }) {
  const passwordHash = await hashPassword(admin.password);
  await transaction(db, async (tx) => {
    const user = await insertUser(tx, { consortiumId: null, role: 'operator', email: admin.email, name: '運営者', passwordHash }, now);
    await appendAudit(tx, auditKey, now, {
      consortiumId: null,
      actorUserId: null,
      actorRole: 'system',
      action: 'user.create',
      objectType: 'user',
      objectId: user.id,
      details: { email: user.email, role: 'operator', source: 'ADMIN_EMAIL' },
    });
  });
}

/** Loads the demo consortium into an empty database, in one transaction. */
export async function seedDemo(db: Db, auditKey: Buffer, now: Date, options: { withOperator: boolean }) {
  const passwordHash = await hashPassword(demoAccounts.password);
  await transaction(db, async (tx) => {
    const record = (consortiumId: string | null, action: string, objectType: string, objectId: string, details = {}) =>
      appendAudit(tx, auditKey, now, { consortiumId, actorUserId: null, actorRole: 'system', action, objectType, objectId, details: { ...details, source: 'demo' } });

    if (options.withOperator) {
      const op = await insertUser(tx, { consortiumId: null, role: 'operator', email: 'operator@demo.example', name: '運営 太郎', passwordHash }, now);
      await record(null, 'user.create', 'user', op.id, { role: 'operator' });
    }
    const consortiumId = newId();
    await tx.insert(consortia).values({ id: consortiumId, name: '熊本県・市町村電子自治体共同運営協議会', createdAt: now });
    await record(null, 'consortium.create', 'consortium', consortiumId);
    // who issues its documents (illustrative names and numbers)
    const issuer: IssuerSettings = {
      issuerName: '熊本県・市町村電子自治体共同運営協議会',
      issuerTitle: '会長 熊本県知事',
      issuerPerson: '木村 敬',
      address: '熊本市中央区水前寺6丁目18番1号',
      department: '熊本県 企画振興部 デジタル戦略局 デジタル戦略推進課',
      contact: '電話 096-333-2153（直通）',
      documentNumberPattern: '熊電協第{n}号',
      era: 'wareki',
      seal: 'omitted',
      biddingPlace: '共同調達 選定ワークベンチ（電子入札）',
      executorName: '契約担当 主幹 山田 一郎',
      witnessName: '主査 田中 花子',
    };
    await tx.insert(consortiumSettings).values({ consortiumId, settings: issuer, updatedAt: now, updatedBy: null });
    await record(consortiumId, 'consortium.settings', 'consortium', consortiumId, { ...issuer });

    const memberIds = new Map<string, string>();
    for (const m of demoMembers) {
      const id = newId();
      memberIds.set(m.name, id);
      const fy = fiscalYearOf(now);
      const births = m.births ? { [fy - 3]: m.births[0], [fy - 2]: m.births[1], [fy - 1]: m.births[2] } : {};
      await tx.insert(members).values({
        id,
        consortiumId,
        name: m.name,
        kind: m.kind,
        code: m.code5 + localGovernmentCheckDigit(m.code5),
        population: m.population,
        births,
        createdAt: now,
      });
      await record(consortiumId, 'member.create', 'member', id, { name: m.name });
    }

    const people: { email: string; name: string; role: 'secretariat' | 'member' | 'evaluator' | 'vendor'; memberId?: string; vendorId?: string }[] = [
      { email: 'jimukyoku@demo.example', name: '事務局 担当者（熊本県デジタル戦略推進課）', role: 'secretariat' },
      { email: 'kumamoto-shi@demo.example', name: '熊本市 情報政策課', role: 'member', memberId: memberIds.get('熊本市')! },
      { email: 'itsuki-mura@demo.example', name: '五木村 総務課', role: 'member', memberId: memberIds.get('五木村')! },
      { email: 'hyoka1@demo.example', name: '評価委員 一', role: 'evaluator' },
      { email: 'hyoka2@demo.example', name: '評価委員 二', role: 'evaluator' },
      { email: 'hyoka3@demo.example', name: '評価委員 三', role: 'evaluator' },
    ];
    const vendorIds: string[] = [];
    for (const v of demoVendors) {
      const id = newId();
      vendorIds.push(id);
      // created by the secretariat: approved (入札参加資格)
      await tx.insert(vendors).values({ id, consortiumId, name: v.name, corporateNumber: null, qualification: 'approved', qualifiedAt: now, createdAt: now });
      await record(consortiumId, 'vendor.create', 'vendor', id, { name: v.name, qualification: 'approved' });
      people.push({ email: v.email, name: v.person, role: 'vendor', vendorId: id });
    }
    // a company that registered itself yesterday and waits for the secretariat's decision (no demo login)
    const pendingId = newId();
    await tx.insert(vendors).values({ id: pendingId, consortiumId, name: demoPendingVendor.name, corporateNumber: demoPendingVendor.corporateNumber, qualification: 'pending', createdAt: new Date(now.getTime() - day) });
    await record(consortiumId, 'vendor.register', 'vendor', pendingId, { name: demoPendingVendor.name, corporateNumber: demoPendingVendor.corporateNumber, qualification: 'pending' });
    const evaluatorIds: string[] = [];
    for (const p of people) {
      const user = await insertUser(tx, { consortiumId, passwordHash, ...p }, now);
      if (p.role === 'evaluator') evaluatorIds.push(user.id);
      await record(consortiumId, 'user.create', 'user', user.id, { email: p.email, role: p.role });
    }
    await seedDemoCases(tx, now, consortiumId, memberIds, record, vendorIds);
    await seedDemoEvaluation(tx, now, consortiumId, memberIds, record, vendorIds, evaluatorIds);
    await seedDemoTender(tx, now, consortiumId, memberIds, record);
  });
}

type Record_ = (consortiumId: string | null, action: string, objectType: string, objectId: string, details?: Record<string, unknown>) => Promise<unknown>;

/** Three cases in different stages and an annual survey, so every page has something to show. */
async function seedDemoCases(tx: Db, now: Date, consortiumId: string, memberIds: Map<string, string>, record: Record_, vendorIds: string[]) {
  // the cases procure for next fiscal year, so births of FY N−2 are last year's, already registered
  const fy = fiscalYearOf(now) + 1;
  const demoCases = [
    {
      title: 'AI議事録作成・音声文字起こしシステム 共同利用',
      description: '県が一括して契約し、参加団体は区分別の利用料相当額を負担金として負担します。',
      method: 'proposal' as const,
      contractMode: 'bulk' as const,
      state: 'open' as const,
      options: [{ code: 'extra-id', name: '追加利用者ID（10ID単位）', price: 24_000 }],
      apportionment: { method: 'tier' as const, tierPrices: { prefecture: 2_340_000, city: 540_000, town: 360_000, village: 180_000 } },
      joiners: ['熊本県', '熊本市', '八代市', '人吉市', '荒尾市', '玉名市', '合志市', '菊陽町', '大津町', '高森町', '西原村', '産山村'],
      options_: { 熊本市: { 'extra-id': 3 }, 八代市: { 'extra-id': 1 } } as Record<string, Record<string, number | boolean>>,
      submissionDeadline: new Date(now.getTime() + 21 * day),
    },
    {
      title: '子育て支援アプリ',
      description: '出生数（前々年度）に応じて年間利用料を按分します。',
      method: 'proposal' as const,
      contractMode: 'bulk' as const,
      state: 'draft' as const,
      options: [{ code: 'push', name: 'プッシュ通知' }, { code: 'checkup', name: '健診予約連携', price: 50_000 }],
      apportionment: { method: 'births' as const, total: 9_461_000 },
      joiners: ['熊本市', '合志市', '菊陽町', '大津町', '五木村'],
      options_: { 熊本市: { push: true, checkup: true }, 合志市: { push: true } } as Record<string, Record<string, number | boolean>>,
      submissionDeadline: null,
    },
    {
      title: '電子契約システム',
      description: '仕様書に参加団体ごとのオプションの有無を記載し、各団体が落札者と個別に契約します。',
      method: 'competitive_bid' as const,
      contractMode: 'individual' as const,
      state: 'spec_review' as const,
      options: [{ code: 'consult', name: '導入支援コンサル' }, { code: 'users', name: '利用者ID（追加分）' }],
      apportionment: { method: 'none' as const },
      joiners: ['熊本県', '熊本市', '八代市', '荒尾市', '芦北町', '五木村'],
      options_: { 熊本県: { consult: true, users: 50 }, 熊本市: { users: 20 } } as Record<string, Record<string, number | boolean>>,
      submissionDeadline: new Date(now.getTime() + 45 * day),
    },
  ];
  const caseIds: string[] = [];
  for (const demo of demoCases) {
    const id = newId();
    caseIds.push(id);
    await tx.insert(cases).values({
      id,
      consortiumId,
      title: demo.title,
      description: demo.description,
      method: demo.method,
      contractMode: demo.contractMode,
      fiscalYear: fy,
      state: demo.state,
      options: demo.options,
      apportionment: demo.apportionment,
      submissionDeadline: demo.submissionDeadline,
      publishedAt: demo.state === 'open' ? now : null,
      createdAt: now,
      updatedAt: now,
    });
    await record(consortiumId, 'case.create', 'case', id, { title: demo.title });
    for (const name of demo.joiners) {
      const memberId = memberIds.get(name)!;
      await tx.insert(participants).values({ caseId: id, memberId, participating: true, options: demo.options_[name] ?? {}, joinedAt: now, lateJoin: false, updatedAt: now });
      await record(consortiumId, 'participant.join', 'participant', memberId, { caseId: id, member: name });
    }
  }

  // an RFI on the published case, answered by one vendor so far
  const rfiCase = caseIds[0]!;
  const rfiDeadline = new Date(now.getTime() + 7 * day);
  // the case holds the RFI回答期限; the RFI's own column is written with it
  await tx.update(cases).set({ rfiDeadline }).where(eq(cases.id, rfiCase));
  await tx.insert(rfis).values({
    caseId: rfiCase,
    deadline: rfiDeadline,
    questions: [
      { code: 'summary', text: '製品・サービスの概要', kind: 'text' },
      { code: 'lgwan', text: 'LGWAN接続系から利用できますか', kind: 'yesno' },
      { code: 'hosting', text: '提供形態', kind: 'choice', choices: ['SaaS（クラウド）', 'オンプレミス'] },
      { code: 'price', text: '参考見積額（全団体・年額・税抜）', kind: 'price' },
    ],
    updatedAt: now,
  });
  await record(consortiumId, 'rfi.set', 'rfi', rfiCase);
  await tx.insert(rfiResponses).values({
    caseId: rfiCase,
    vendorId: vendorIds[1]!,
    answers: { summary: '音声認識エンジンを用いたクラウド型の議事録作成サービスです。', lgwan: true, hosting: 'SaaS（クラウド）', price: 6_800_000 },
    status: 'submitted',
    submittedAt: now,
    updatedAt: now,
  });
  await record(consortiumId, 'rfi.submit', 'rfi_response', vendorIds[1]!, { caseId: rfiCase });

  const surveyId = newId();
  await tx.insert(surveys).values({
    id: surveyId,
    consortiumId,
    title: `${fy}年度 共同調達 参加意向調査`,
    candidates: [
      { code: 'docs', name: '文書管理・電子決裁システム' },
      { code: 'chat', name: 'ビジネスチャット' },
      { code: 'form', name: '電子申請システム' },
    ],
    points: [2, 1],
    thresholdMillionths: 250_000,
    closesAt: new Date(now.getTime() + 30 * day),
    createdAt: now,
  });
  await record(consortiumId, 'survey.create', 'survey', surveyId);
  const answers: [string, string[], Record<string, 'join' | 'study' | 'interested' | 'none'>][] = [
    ['熊本市', ['docs', 'chat'], { docs: 'join', chat: 'study' }],
    ['八代市', ['docs', 'form'], { docs: 'join', form: 'interested' }],
    ['人吉市', ['chat', 'docs'], { chat: 'join', docs: 'study' }],
    ['菊陽町', ['docs'], { docs: 'join' }],
    ['五木村', ['form', 'docs'], { form: 'join', docs: 'interested' }],
  ];
  for (const [name, ranking, chosen] of answers) {
    const memberId = memberIds.get(name)!;
    await tx.insert(surveyResponses).values({ surveyId, memberId, ranking, intents: chosen, updatedAt: now });
    await record(consortiumId, 'survey.answer', 'survey_response', memberId, { surveyId });
  }
}

/** A proposal case whose deadline has passed: three proposals, criteria and a committee ready to score. */
async function seedDemoEvaluation(
  tx: Db,
  now: Date,
  consortiumId: string,
  memberIds: Map<string, string>,
  record: Record_,
  vendorIds: string[],
  evaluatorIds: string[],
) {
  const id = newId();
  await tx.insert(cases).values({
    id,
    consortiumId,
    title: '文書管理・電子決裁システム',
    description: '公募型プロポーザルにより事業者を選定し、各参加団体が個別に契約します。',
    method: 'proposal',
    contractMode: 'individual',
    fiscalYear: fiscalYearOf(now) + 1,
    state: 'evaluation',
    options: [{ code: 'ocr', name: '紙文書の電子化（OCR）' }],
    apportionment: { method: 'none' },
    submissionDeadline: new Date(now.getTime() - 3 * day),
    publishedAt: new Date(now.getTime() - 40 * day),
    createdAt: now,
    updatedAt: now,
  });
  await record(consortiumId, 'case.create', 'case', id, { title: '文書管理・電子決裁システム' });
  for (const name of ['熊本県', '八代市', '玉名市', '菊陽町']) {
    const memberId = memberIds.get(name)!;
    await tx.insert(participants).values({ caseId: id, memberId, participating: true, options: name === '八代市' ? { ocr: true } : {}, joinedAt: now, lateJoin: false, updatedAt: now });
    await record(consortiumId, 'participant.join', 'participant', memberId, { caseId: id, member: name });
  }
  const prices = [12_800_000, 11_500_000, 13_900_000];
  for (const [i, vendorId] of vendorIds.entries()) {
    await tx.insert(proposals).values({ caseId: id, vendorId, price: prices[i]!, updatedAt: new Date(now.getTime() - (10 - i) * day) });
    await record(consortiumId, 'proposal.price', 'proposal', vendorId, { caseId: id });
  }
  await tx.insert(evaluations).values({
    caseId: id,
    criteria: [
      { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 30, mode: 'points', guidance: '必須機能・追加機能の網羅性と実現方法' },
      { code: 'ux', group: '技術提案', name: '操作性・職員の使いやすさ', maxPoints: 20, mode: 'grade' },
      { code: 'support', group: '技術提案', name: '導入支援・運用保守体制', maxPoints: 20, mode: 'grade' },
      { code: 'lgwan', group: '必須要件', name: 'LGWAN環境での利用', maxPoints: 0, mode: 'pass_fail' },
      { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
    ],
    aggregation: 'average',
    passRatio: '0.6',
    grades: { A: '1', B: '0.75', C: '0.5', D: '0.25', E: '0' },
    anonymize: true,
    updatedAt: now,
  });
  await tx.insert(evaluators).values(evaluatorIds.map((userId) => ({ caseId: id, userId })));
  await record(consortiumId, 'evaluation.set', 'evaluation', id, { evaluators: evaluatorIds.length });
}

/** A general competitive tender taking bids: the vendors can bid, the secretariat watches and opens. */
async function seedDemoTender(tx: Db, now: Date, consortiumId: string, memberIds: Map<string, string>, record: Record_) {
  const id = newId();
  await tx.insert(cases).values({
    id,
    consortiumId,
    title: 'ビジネスチャットツール（一般競争入札）',
    description: '仕様書に各団体の利用者数を記載し、落札者と各団体が個別に契約します。',
    method: 'competitive_bid',
    contractMode: 'individual',
    fiscalYear: fiscalYearOf(now) + 1,
    state: 'open',
    options: [{ code: 'users', name: '利用者ID数' }],
    apportionment: { method: 'none' },
    publishedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await record(consortiumId, 'case.create', 'case', id, { title: 'ビジネスチャットツール（一般競争入札）' });
  for (const [name, users] of [['熊本県', 800], ['熊本市', 2500], ['人吉市', 300], ['高森町', 60]] as const) {
    const memberId = memberIds.get(name)!;
    await tx.insert(participants).values({ caseId: id, memberId, participating: true, options: { users }, joinedAt: now, lateJoin: false, updatedAt: now });
    await record(consortiumId, 'participant.join', 'participant', memberId, { caseId: id, member: name });
  }
  await tx.insert(biddings).values({
    caseId: id,
    ceilingPrice: 6_000_000,
    ceilingPublic: false,
    floorPrice: 4_800_000,
    investigationPrice: null,
    maxRounds: 3,
    lotSystemValue: 'receipt_ms',
    taxRate: '0.1',
    comprehensive: null,
    updatedAt: now,
  });
  await tx.insert(bidRounds).values({ caseId: id, round: 1, deadlineAt: new Date(now.getTime() + 7 * day), openingAt: new Date(now.getTime() + 8 * day) });
  await record(consortiumId, 'bidding.set', 'bidding', id);
}
