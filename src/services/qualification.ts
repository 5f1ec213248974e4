import { and, eq, inArray } from 'drizzle-orm';
import { notify } from './notify.ts';
import { z } from 'zod';
import { vendors } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { type VendorRow, findVendor } from '../db/tenancy.ts';
import { type ImportProblem, decodeCsv } from '../domain/csv-import.ts';
import { type QualificationDecision, type QualificationStanding, decideQualification, qualificationRefusal } from '../domain/qualification.ts';
import { parseQualifiedVendorCsv } from '../domain/vendor-csv.ts';
import { AppError, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';

export const QUALIFIED_LIST_CSV_LIMIT = 5 * 1024 * 1024;

/** The secretariat's decision on a vendor's 入札参加資格 (that a rejection says why is decideQualification's rule). */
export const qualificationInput = z
  .strictObject({
    status: z.enum(['approved', 'rejected'], { message: '「承認」か「不承認」を選んでください' }),
    reason: z.string().trim().max(2000, { message: '理由は2000文字以内にしてください' }).optional(),
  })
  .strict();

const DUPLICATE_MESSAGE = 'この法人番号の事業者はすでに登録されています。';

/** One line of a vendor's address block: trimmed, no line breaks or other control characters; blank (or null) means not given. */
const addressLine = (label: string, max: number) =>
  z
    .string({ error: `${label}は文字列で入力してください` })
    .trim()
    .max(max, { message: `${label}は${max}文字以内にしてください` })
    .refine((v) => !/[\u0000-\u001F\u007F]/.test(v), { message: `${label}に改行や制御文字は使えません` })
    .nullable()
    .optional();

/** 所在地 and 代表者の役職・氏名, as a notice (落札決定通知書 …) is addressed: both optional. */
export const vendorAddressFields = {
  address: addressLine('所在地', 200),
  representative: addressLine('代表者の役職・氏名', 100),
};

/** PATCH /vendors/:id: the address block (a field left out stays as it is; blank or null clears it). */
export const vendorDetailsInput = z
  .strictObject(vendorAddressFields)
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: '変更する項目（所在地・代表者）を指定してください' });

/** A blank line is stored as not given. */
const given = (v: string | null | undefined) => (v ? v : null);


export interface NewVendor {
  consortiumId: string;
  name: string;
  corporateNumber: string | undefined;
  /** 所在地 and 代表者の役職・氏名 (optional) */
  address?: string | null | undefined;
  representative?: string | null | undefined;
  /** approved (with who approved it) when the secretariat creates it; pending when it registers itself */
  approvedBy: string | null;
}

/**
 * Inserts a vendor. The 法人番号 is unique within a consortium by the database's own index, so two
 * registrations racing with one number cannot both succeed: the later one is 409 duplicate_corporate_number.
 */
export async function insertVendor(tx: Db, input: NewVendor, now: Date): Promise<VendorRow> {
  try {
    const [row] = await tx
      .insert(vendors)
      .values({
        id: newId(),
        consortiumId: input.consortiumId,
        name: input.name,
        corporateNumber: input.corporateNumber ?? null,
        address: given(input.address),
        representative: given(input.representative),
        qualification: input.approvedBy ? 'approved' : 'pending',
        qualifiedAt: input.approvedBy ? now : null,
        qualifiedBy: input.approvedBy,
        createdAt: now,
      })
      .returning();
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('duplicate_corporate_number', DUPLICATE_MESSAGE, [{ path: 'corporateNumber', message: DUPLICATE_MESSAGE }]);
    throw err;
  }
}

/**
 * Refuses (403 not_qualified) a proposal, a proposal price or a bid from a vendor the secretariat has
 * not approved; the one place that rule is checked. Inside a write the row is held (FOR SHARE), so a
 * rejection decided at the same moment waits for the write, or the write sees the rejection.
 */
export async function assertQualified(db: Db, consortiumId: string, vendorId: string): Promise<void> {
  const [vendor] = await db
    .select({ qualification: vendors.qualification, qualificationReason: vendors.qualificationReason })
    .from(vendors)
    .where(and(eq(vendors.consortiumId, consortiumId), eq(vendors.id, vendorId)))
    .for('share');
  if (!vendor) throw notFound('指定された事業者が見つかりません。');
  const refusal = qualificationRefusal(vendor);
  if (refusal) throw new AppError('not_qualified', refusal);
}

/** The vendor's standing when it may not propose or bid (for its pages to say why); null when it may. */
export async function submissionBarrier(db: Db, consortiumId: string, vendorId: string): Promise<QualificationStanding | null> {
  const vendor = await findVendor(db, consortiumId, vendorId);
  return vendor && qualificationRefusal(vendor) ? { qualification: vendor.qualification, qualificationReason: vendor.qualificationReason } : null;
}

/** The secretariat approves or rejects a vendor; the audit entry records the old and the new standing. */
export async function decideVendorQualification(c: Ctx, vendorId: string, decision: QualificationDecision): Promise<VendorRow> {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const [current] = await tx
      .select()
      .from(vendors)
      .where(and(eq(vendors.consortiumId, me.consortiumId), eq(vendors.id, vendorId)))
      .for('update');
    if (!current) throw notFound('指定された事業者が見つかりません。');
    const outcome = decideQualification(current, decision);
    if (!outcome.ok) {
      if (outcome.problem === 'reason_required') {
        throw new AppError('validation_error', outcome.message, [{ path: 'reason', message: outcome.message }]);
      }
      throw new AppError('conflict', outcome.message);
    }
    const [row] = await tx
      .update(vendors)
      .set({ qualification: outcome.status, qualificationReason: outcome.reason, qualifiedAt: nowOf(c), qualifiedBy: me.id })
      .where(eq(vendors.id, current.id))
      .returning();
    await audit({
      action: 'vendor.qualification',
      objectType: 'vendor',
      objectId: current.id,
      details: { name: current.name, from: current.qualification, to: outcome.status, reason: outcome.reason, previousReason: current.qualificationReason },
    });
    if (outcome.status === 'approved' || outcome.status === 'rejected') {
      await notify(c.get('deps'), tx, { kind: 'qualification_decided', vendorId: current.id, status: outcome.status, reason: outcome.reason });
    }
    return row!;
  });
}

/**
 * Changes a vendor's 所在地 and 代表者の役職・氏名 (the secretariat, or the vendor itself). A notice already
 * issued keeps the address it was issued with; the next one is addressed with these.
 */
export async function updateVendorDetails(c: Ctx, consortiumId: string, vendorId: string, input: z.output<typeof vendorDetailsInput>): Promise<VendorRow> {
  return mutate(c, async (tx, audit) => {
    const [current] = await tx
      .select()
      .from(vendors)
      .where(and(eq(vendors.consortiumId, consortiumId), eq(vendors.id, vendorId)))
      .for('update');
    if (!current) throw notFound('指定された事業者が見つかりません。');
    const changes = {
      ...(input.address === undefined ? {} : { address: given(input.address) }),
      ...(input.representative === undefined ? {} : { representative: given(input.representative) }),
    };
    if (Object.keys(changes).length === 0) return current;
    const [row] = await tx.update(vendors).set(changes).where(eq(vendors.id, current.id)).returning();
    await audit({
      action: 'vendor.update',
      objectType: 'vendor',
      objectId: current.id,
      details: { name: current.name, before: { address: current.address, representative: current.representative }, after: { address: row!.address, representative: row!.representative } },
    });
    return row!;
  });
}

export interface QualifiedListOutcome {
  /** vendors created from rows whose 法人番号 was not registered */
  created: number;
  /** registered vendors (pending or rejected) approved by their row */
  approved: number;
  /** registered vendors already approved: nothing changed */
  unchanged: number;
  errors: ImportProblem[];
}

const CHUNK = 1000;
const chunks = <T>(list: readonly T[]): T[][] => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * Imports the consortium's qualified list (入札参加資格者名簿): a row whose 法人番号 is registered approves
 * that vendor (its name and everything else stay as they are); any other row creates an approved vendor.
 * A file with any bad row imports nothing.
 */
export async function importQualifiedList(c: Ctx, bytes: Uint8Array, declaredCharset?: string): Promise<QualifiedListOutcome> {
  const me = requireConsortiumRole(c, 'secretariat');
  const { vendors: rows, problems } = parseQualifiedVendorCsv(decodeCsv(bytes, declaredCharset));
  if (problems.length > 0) return { created: 0, approved: 0, unchanged: 0, errors: problems };
  const now = nowOf(c);
  try {
    return await mutate(c, async (tx, audit) => {
      const existing: VendorRow[] = [];
      for (const part of chunks(rows.map((r) => r.corporateNumber))) {
        existing.push(
          ...(await tx
            .select()
            .from(vendors)
            .where(and(eq(vendors.consortiumId, me.consortiumId), inArray(vendors.corporateNumber, part)))
            .for('update')),
        );
      }
      const byNumber = new Map(existing.map((v) => [v.corporateNumber!, v]));
      const toApprove = existing.filter((v) => v.qualification !== 'approved');
      for (const part of chunks(toApprove.map((v) => v.id))) {
        await tx
          .update(vendors)
          .set({ qualification: 'approved', qualificationReason: null, qualifiedAt: now, qualifiedBy: me.id })
          .where(inArray(vendors.id, part));
      }
      const fresh = rows
        .filter((r) => !byNumber.has(r.corporateNumber))
        .map((r) => ({
          id: newId(),
          consortiumId: me.consortiumId,
          name: r.name,
          corporateNumber: r.corporateNumber,
          qualification: 'approved' as const,
          qualifiedAt: now,
          qualifiedBy: me.id,
          createdAt: now,
        }));
      for (const part of chunks(fresh)) await tx.insert(vendors).values(part);
      const outcome = { created: fresh.length, approved: toApprove.length, unchanged: existing.length - toApprove.length, errors: [] };
      await audit({
        action: 'vendor.import',
        objectType: 'vendor',
        details: {
          rows: rows.length,
          created: outcome.created,
          approved: outcome.approved,
          unchanged: outcome.unchanged,
          createdIds: fresh.map((v) => v.id),
          approvedFrom: toApprove.map((v) => ({ vendorId: v.id, from: v.qualification })),
        },
      });
      return outcome;
    });
  } catch (err) {
    // a vendor registered with one of the numbers while the file was being imported
    if (err instanceof AppError || !isUniqueViolation(err)) throw err;
    throw new AppError('duplicate_corporate_number', '取り込みの間に同じ法人番号の事業者が登録されました。もう一度取り込んでください。');
  }
}
