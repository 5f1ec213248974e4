import { availableParallelism } from 'node:os';
import { awards, cases, consortia, members, participants, specVersions, vendors } from '../schema/index.ts';
import { systemClock } from '../src/clock.ts';
import { openPglite } from '../src/db/client.ts';
import { findCase } from '../src/db/cases.ts';
import { awardPayload } from '../src/documents/payloads/award.ts';
import { specPayload } from '../src/documents/payloads/spec.ts';
import { issuerSettings } from '../src/services/issuer.ts';
import { renderDocument, startDocumentRenderer, stopDocumentRenderer } from '../src/documents/renderer.ts';
import { renderTemplate } from '../src/documents/template.ts';
import { localGovernmentCheckDigit } from '../src/domain/codes.ts';
import { newId } from '../src/ids.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A council of `memberCount` bodies × `optionCount` options with an awarded case (長野県: 89 bodies). */
export async function documentFixture(memberCount: number, optionCount: number) {
  const database = await openPglite();
  await database.migrate();
  const db = database.db;
  const now = systemClock.now();
  const consortiumId = newId();
  await db.insert(consortia).values({ id: consortiumId, name: '長野県先端技術活用推進協議会', createdAt: now });
  const kinds = ['city', 'town', 'village'] as const;
  const memberIds: string[] = [];
  for (let i = 0; i < memberCount; i++) {
    const id = newId();
    memberIds.push(id);
    const code5 = `20${String(201 + i).padStart(3, '0')}`;
    await db.insert(members).values({
      id, consortiumId, name: `${['長野', '松本', '上田', '岡谷', '飯田', '諏訪', '須坂', '小諸', '伊那'][i % 9]}${i}${['市', '町', '村'][i % 3]}`,
      kind: kinds[i % 3]!, code: code5 + localGovernmentCheckDigit(code5), population: 5_000 + i * 1_000, births: { '2022': 30 + i * 7 }, createdAt: now,
    });
  }
  const options = Array.from({ length: optionCount }, (_, i) => ({ code: `opt${i}`, name: ['プッシュ通知', '健診予約連携', '電子母子手帳', '多言語対応', '予防接種管理', 'オンライン相談', '施設予約', '子育て給付申請'][i % 8]!, price: i % 2 ? 10_000 * (i + 1) : null }));
  const caseId = newId();
  await db.insert(cases).values({
    id: caseId, consortiumId, title: '子育て支援アプリ', description: '出生数（前々年度）に応じて年間利用料を按分する。', method: 'proposal', contractMode: 'bulk',
    fiscalYear: 2024, state: 'awarded', options, apportionment: { method: 'births', total: 9_461_000 }, createdAt: now, updatedAt: now,
  });
  for (const [i, memberId] of memberIds.entries()) {
    await db.insert(participants).values({
      caseId, memberId, participating: true,
      options: Object.fromEntries(options.map((o, k) => [o.code, (i + k) % 3 === 0 ? (k % 2 ? (i % 5) + 1 : true) : false])),
      joinedAt: now, lateJoin: i % 7 === 0, updatedAt: now,
    });
  }
  await db.insert(specVersions).values({
    caseId, version: 1, createdAt: now,
    sections: Array.from({ length: 6 }, (_, i) => ({ heading: `第${i + 1}章 業務の内容`, body: '子育て世帯に向けた情報発信、予防接種の管理、健診の予約などを一つのアプリで提供する。'.repeat(3) })),
    requirements: Array.from({ length: 30 }, (_, i) => ({ code: `F-${String(i + 1).padStart(3, '0')}`, text: '利用者の子どもの月齢に応じた情報を自動で配信できること。', level: i % 4 ? 'must' : 'want' })),
  });
  const vendorId = newId();
  await db.insert(vendors).values({ id: vendorId, consortiumId, name: '株式会社エムティーアイ', createdAt: now });
  await db.insert(awards).values({ caseId, vendorId, amount: 9_461_000, amountWithTax: 10_407_100, taxRate: '0.1', basis: 'manual', decidedAt: now });

  const row = (await findCase(db, consortiumId, caseId))!;
  const ctx = { issuer: await issuerSettings(db, row.consortiumId) };
  return { database, db, row, ctx, now };
}

/** The spec and the award for a council of `memberCount` bodies × `optionCount` options, drawn in place. */
export async function benchDocuments(memberCount = 89, optionCount = 8, runs = 15) {
  const { database, db, row, ctx, now } = await documentFixture(memberCount, optionCount);
  const split = async (build: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await build();
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  if (process.env.BENCH_SPLIT) console.log('payload ms', { spec: await split(() => specPayload(db, row, ctx)), award: await split(() => awardPayload(db, row, ctx)) });
  const measure = async (build: () => Promise<{ payload: Parameters<typeof renderTemplate>[1]; draft?: boolean } | null>, name: string) => {
    let size = 0;
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      const built = (await build())!;
      const { bytes } = await renderTemplate(name, built.payload, { author: ctx.issuer.issuerName, issuedAt: now, draft: built.draft ?? false });
      if (i >= 3) times.push(performance.now() - t0);
      size = bytes.length;
    }
    return { medianMs: median(times), sizeKb: size / 1024 };
  };
  const spec = await measure(() => specPayload(db, row, ctx), 'spec');
  const award = await measure(() => awardPayload(db, row, ctx), 'award');
  await database.close();
  return { memberCount, optionCount, spec, award };
}

/**
 * The renderer threads, drawing the spec of the same council:
 *  - the first document a pool that has sat idle for `idleMs` draws (started and warmed ahead, as the
 *    server does at start-up), against the first document of a pool that its first document starts;
 *  - ten documents asked for at once, until the last is drawn, on the pool (one thread per core) and on
 *    a single thread.
 */
export async function benchDocumentRenderer(memberCount = 89, optionCount = 8, idleMs = 65_000, rounds = 5) {
  const { database, db, row, ctx, now } = await documentFixture(memberCount, optionCount);
  const built = await specPayload(db, row, ctx);
  await database.close();
  const options = { author: ctx.issuer.issuerName, issuedAt: now, draft: false };
  const one = async () => {
    const t0 = performance.now();
    await renderDocument('spec', built.payload, options);
    return performance.now() - t0;
  };
  const tenAtOnce = async () => {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const done = await Promise.all(Array.from({ length: 10 }, () => renderDocument('spec', built.payload, options).then(() => performance.now() - t0)));
      times.push(Math.max(...done));
    }
    return median(times);
  };
  try {
    // a pool that its first document starts (as the single thread did after a minute idle)
    await stopDocumentRenderer();
    const coldMs = await one();

    const threads = Math.max(1, availableParallelism());
    await stopDocumentRenderer();
    const t0 = performance.now();
    await startDocumentRenderer({ threads });
    const warmUpMs = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const afterIdleMs = await one();

    const poolLastMs = await tenAtOnce();
    await startDocumentRenderer({ threads: 1 });
    const singleLastMs = await tenAtOnce();
    return { threads, idleSeconds: idleMs / 1000, coldMs, warmUpMs, afterIdleMs, poolLastMs, singleLastMs };
  } finally {
    await stopDocumentRenderer();
  }
}
