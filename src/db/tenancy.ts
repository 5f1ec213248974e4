import { and, asc, eq } from 'drizzle-orm';
import { consortia, members, users, vendors } from '../../schema/index.ts';
import type { Db } from './client.ts';

export type UserRow = typeof users.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type VendorRow = typeof vendors.$inferSelect;
export type ConsortiumRow = typeof consortia.$inferSelect;

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function findConsortium(db: Db, id: string): Promise<ConsortiumRow | undefined> {
  const [row] = await db.select().from(consortia).where(eq(consortia.id, id));
  return row;
}

export async function findMember(db: Db, consortiumId: string, id: string): Promise<MemberRow | undefined> {
  const [row] = await db
    .select()
    .from(members)
    .where(and(eq(members.consortiumId, consortiumId), eq(members.id, id)));
  return row;
}

export async function listMembers(db: Db, consortiumId: string): Promise<MemberRow[]> {
  return db.select().from(members).where(eq(members.consortiumId, consortiumId)).orderBy(asc(members.code), asc(members.name));
}

export async function findVendor(db: Db, consortiumId: string, id: string): Promise<VendorRow | undefined> {
  const [row] = await db
    .select()
    .from(vendors)
    .where(and(eq(vendors.consortiumId, consortiumId), eq(vendors.id, id)));
  return row;
}

/** The consortium's vendors by name; only those of one standing (入札参加資格) when it is given. */
export async function listVendors(db: Db, consortiumId: string, qualification?: VendorRow['qualification']): Promise<VendorRow[]> {
  const scope = qualification ? and(eq(vendors.consortiumId, consortiumId), eq(vendors.qualification, qualification)) : eq(vendors.consortiumId, consortiumId);
  return db.select().from(vendors).where(scope).orderBy(asc(vendors.name));
}

export async function listUsers(db: Db, consortiumId: string): Promise<UserRow[]> {
  return db.select().from(users).where(eq(users.consortiumId, consortiumId)).orderBy(asc(users.role), asc(users.email));
}

export function userView(row: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'consortiumId' | 'memberId' | 'vendorId'>) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    consortiumId: row.consortiumId,
    ...(row.memberId ? { memberId: row.memberId } : {}),
    ...(row.vendorId ? { vendorId: row.vendorId } : {}),
  };
}

export function memberView(row: MemberRow) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    code: row.code,
    population: row.population,
    births: row.births,
  };
}

/** A vendor as the secretariat and the vendor itself see it, with its standing (入札参加資格) and the reason. */
export function vendorView(row: VendorRow) {
  return {
    id: row.id,
    name: row.name,
    corporateNumber: row.corporateNumber,
    qualification: row.qualification,
    qualificationReason: row.qualificationReason,
    qualifiedAt: row.qualifiedAt?.toISOString() ?? null,
    // 所在地 and 代表者, as a notice is addressed
    address: row.address,
    representative: row.representative,
  };
}

export function consortiumView(row: ConsortiumRow) {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}
