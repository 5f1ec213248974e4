import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { consortia, consortiumSettings } from '../../schema/index.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type IssuerSettings, defaultIssuer, validNumberPattern } from '../domain/issuer.ts';
import { notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';

const line = (label: string, max: number) => z.string({ error: `${label}を文字列で入力してください。` }).trim().max(max, `${label}は${max}文字以内で入力してください。`);
const optionalLine = (label: string, max: number) => line(label, max).optional().default('');

/** PUT /consortium/settings: the issuer block, 文書番号, seal, calendar and the tabulation's names. */
export const issuerInput = z.strictObject({
  issuerName: line('発注者名', 100).min(1, '発注者名（協議会の名称）を入力してください。'),
  issuerTitle: line('発注者の職', 100),
  issuerPerson: optionalLine('発注者の氏名', 60),
  address: line('所在地', 200),
  department: optionalLine('担当課', 100),
  contact: line('問合せ先', 200),
  documentNumberPattern: line('文書番号の形式', 60).refine(validNumberPattern, '文書番号の形式には番号の位置を示す {n} を一つだけ含めてください（例: 熊DX協第{n}号）。'),
  era: z.enum(['wareki', 'seireki'], { error: '日付の表記は wareki（和暦を先）または seireki（西暦を先）を指定してください。' }),
  seal: z.enum(['omitted', 'box'], { error: '公印は omitted（公印省略）または box（印の枠）を指定してください。' }).optional().default('omitted'),
  biddingPlace: optionalLine('入札場所', 200),
  executorName: optionalLine('執行者', 100),
  witnessName: optionalLine('立会人', 100),
});

/** A consortium's issuer settings, or the defaults (its name, 和暦 first, 公印省略) when it has saved none. */
export async function issuerSettings(db: Db, consortiumId: string): Promise<IssuerSettings> {
  const [row] = await db
    .select({ name: consortia.name, settings: consortiumSettings.settings })
    .from(consortia)
    .leftJoin(consortiumSettings, eq(consortiumSettings.consortiumId, consortia.id))
    .where(eq(consortia.id, consortiumId));
  if (!row) throw notFound('指定された協議会が見つかりません。');
  return { ...defaultIssuer(row.name), ...(row.settings ?? {}) };
}

export async function saveIssuerSettings(c: Ctx, consortiumId: string, input: z.output<typeof issuerInput>): Promise<IssuerSettings> {
  return mutate(c, async (tx, audit) => {
    const settings: IssuerSettings = { ...input };
    const now = nowOf(c);
    await tx
      .insert(consortiumSettings)
      .values({ consortiumId, settings, updatedAt: now, updatedBy: c.get('user')?.id ?? null })
      .onConflictDoUpdate({ target: consortiumSettings.consortiumId, set: { settings, updatedAt: now, updatedBy: c.get('user')?.id ?? null } });
    await audit({ action: 'consortium.settings', objectType: 'consortium', objectId: consortiumId, consortiumId, details: { ...settings } });
    return settings;
  });
}
