import { and, eq, inArray } from 'drizzle-orm';
import { members } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, nowOf } from '../context.ts';
import { type ImportProblem, decodeCsv } from '../domain/csv-import.ts';
import { parseMemberCsv } from '../domain/member-csv.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';

export const MEMBER_CSV_LIMIT = 5 * 1024 * 1024;

export interface ImportOutcome {
  created: number;
  updated: number;
  errors: ImportProblem[];
}

/**
 * Imports the member list: a row whose 団体コード is already registered updates that member (population,
 * births, name, kind); any other row creates one. A file with any bad row imports nothing.
 */
export async function importMembers(c: Ctx, bytes: Uint8Array, declaredCharset?: string): Promise<ImportOutcome> {
  const me = requireConsortiumRole(c, 'secretariat');
  const { members: rows, problems } = parseMemberCsv(decodeCsv(bytes, declaredCharset));
  if (problems.length > 0) return { created: 0, updated: 0, errors: problems };
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    const codes = rows.map((r) => r.code).filter((code): code is string => code !== undefined);
    const existing = codes.length
      ? await tx.select().from(members).where(and(eq(members.consortiumId, me.consortiumId), inArray(members.code, codes)))
      : [];
    const byCode = new Map(existing.map((m) => [m.code!, m]));
    let created = 0;
    let updated = 0;
    for (const row of rows) {
      const current = row.code ? byCode.get(row.code) : undefined;
      if (current) {
        await tx
          .update(members)
          .set({
            name: row.name,
            kind: row.kind,
            population: row.population ?? current.population,
            births: { ...current.births, ...row.births },
          })
          .where(eq(members.id, current.id));
        updated += 1;
      } else {
        await tx.insert(members).values({
          id: newId(),
          consortiumId: me.consortiumId,
          name: row.name,
          kind: row.kind,
          code: row.code ?? null,
          population: row.population ?? null,
          births: row.births,
          createdAt: now,
        });
        created += 1;
      }
    }
    await audit({ action: 'member.import', objectType: 'member', details: { created, updated, rows: rows.length } });
    return { created, updated, errors: [] };
  });
}
