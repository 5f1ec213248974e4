import { evaluations, evaluators, proposals, sheets } from '../schema/index.ts';
import { computeResults } from '../src/services/evaluation.ts';
import { cases, users, vendors } from '../schema/index.ts';
import { demoDatabase } from './setup.ts';
import { hashPassword } from '../src/auth/password.ts';
import { newId } from '../src/ids.ts';
import { eq } from 'drizzle-orm';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Results for a committee of `evaluatorCount` × `vendorCount` proposals × `criterionCount` criteria: one query for the sheets, then the pure ranking. */
export async function benchResults(evaluatorCount = 15, vendorCount = 20, criterionCount = 40, runs = 15) {
  const { database, db, now, consortiumId } = await demoDatabase();
  const passwordHash = await hashPassword('bench-password-1');
  const caseId = newId();
  await db.insert(cases).values({
    id: caseId, consortiumId, title: '評価ベンチ', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, state: 'evaluation', options: [], createdAt: now, updatedAt: now,
  });
  const evaluatorIds: string[] = [];
  for (let i = 0; i < evaluatorCount; i++) {
    const id = newId();
    evaluatorIds.push(id);
    await db.insert(users).values({ id, consortiumId, email: `bench-e${i}@bench.example`, name: `委員${i}`, role: 'evaluator', passwordHash, createdAt: now });
  }
  const vendorIds: string[] = [];
  for (let i = 0; i < vendorCount; i++) {
    const id = newId();
    vendorIds.push(id);
    await db.insert(vendors).values({ id, consortiumId, name: `事業者${i}`, createdAt: now });
    await db.insert(proposals).values({ caseId, vendorId: id, price: 10_000_000 + i * 123_457, updatedAt: new Date(now.getTime() + i) });
  }
  const criteria = Array.from({ length: criterionCount }, (_, i) => ({
    code: `c${i}`,
    group: `区分${i % 5}`,
    name: `評価項目${i}`,
    maxPoints: i === 0 ? 30 : 10,
    mode: (i === 0 ? 'price' : i % 10 === 1 ? 'pass_fail' : i % 3 === 0 ? 'grade' : 'points') as 'price' | 'pass_fail' | 'grade' | 'points',
  }));
  await db.insert(evaluations).values({
    caseId, criteria, aggregation: 'trimmed_mean', passRatio: '0.6', grades: { A: '1', B: '0.75', C: '0.5', D: '0.25', E: '0' }, anonymize: true, closedAt: now, updatedAt: now,
  });
  await db.insert(evaluators).values(evaluatorIds.map((userId) => ({ caseId, userId, conflict: false, declaredAt: now })));
  const letters = ['A', 'B', 'C', 'D', 'E'] as const;
  const rows = evaluatorIds.flatMap((evaluatorId, e) =>
    vendorIds.map((vendorId, v) => ({
      caseId,
      evaluatorId,
      vendorId,
      scores: Object.fromEntries(
        criteria.filter((c) => c.mode !== 'price').map((c, k) => [c.code, c.mode === 'points' ? ((e + v + k) % 11) : c.mode === 'grade' ? letters[(e * 3 + v + k) % 5]! : (e + v + k) % 7 !== 0]),
      ),
      comment: '',
      status: 'submitted' as const,
      version: 2,
      updatedAt: now,
      submittedAt: now,
    })),
  );
  for (let i = 0; i < rows.length; i += 100) await db.insert(sheets).values(rows.slice(i, i + 100));

  const [evaluation] = await db.select().from(evaluations).where(eq(evaluations.caseId, caseId));
  for (let i = 0; i < 5; i++) await computeResults(db, caseId, evaluation!);
  const times: number[] = [];
  let ranked = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const results = await computeResults(db, caseId, evaluation!);
    times.push(performance.now() - t0);
    ranked = results.ranking.length;
  }
  await database.close();
  if (ranked !== vendorCount) throw new Error(`ranked ${ranked} of ${vendorCount}`);
  return { evaluatorCount, vendorCount, criterionCount, medianMs: median(times) };
}
