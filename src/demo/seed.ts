import { count } from 'drizzle-orm';
import { consortia, members, users, vendors } from '../../schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { appendAudit } from '../db/audit.ts';
import { type Db, transaction } from '../db/client.ts';
import { insertUser } from '../db/users.ts';
import { localGovernmentCheckDigit } from '../domain/codes.ts';
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

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row!.n) === 0;
}

/** Creates the platform operator on an empty database (ADMIN_EMAIL / ADMIN_PASSWORD). */
export async function seedOperator(db: Db, now: Date, admin: { email: string; password: string }) {
  const passwordHash = await hashPassword(admin.password);
  await transaction(db, async (tx) => {
    const user = await insertUser(tx, { consortiumId: null, role: 'operator', email: admin.email, name: '運営者', passwordHash }, now);
    await appendAudit(tx, now, {
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
export async function seedDemo(db: Db, now: Date, options: { withOperator: boolean }) {
  const passwordHash = await hashPassword(demoAccounts.password);
  await transaction(db, async (tx) => {
    const record = (consortiumId: string | null, action: string, objectType: string, objectId: string, details = {}) =>
      appendAudit(tx, now, { consortiumId, actorUserId: null, actorRole: 'system', action, objectType, objectId, details: { ...details, source: 'demo' } });

    if (options.withOperator) {
      const op = await insertUser(tx, { consortiumId: null, role: 'operator', email: 'operator@demo.example', name: '運営 太郎', passwordHash }, now);
      await record(null, 'user.create', 'user', op.id, { role: 'operator' });
    }
    const consortiumId = newId();
    await tx.insert(consortia).values({ id: consortiumId, name: '熊本県・市町村電子自治体共同運営協議会', createdAt: now });
    await record(null, 'consortium.create', 'consortium', consortiumId);

    const memberIds = new Map<string, string>();
    for (const m of demoMembers) {
      const id = newId();
      memberIds.set(m.name, id);
      const fy = now.getUTCFullYear();
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
    for (const v of demoVendors) {
      const id = newId();
      await tx.insert(vendors).values({ id, consortiumId, name: v.name, corporateNumber: null, createdAt: now });
      await record(consortiumId, 'vendor.create', 'vendor', id, { name: v.name });
      people.push({ email: v.email, name: v.person, role: 'vendor', vendorId: id });
    }
    for (const p of people) {
      const user = await insertUser(tx, { consortiumId, passwordHash, ...p }, now);
      await record(consortiumId, 'user.create', 'user', user.id, { email: p.email, role: p.role });
    }
  });
}
