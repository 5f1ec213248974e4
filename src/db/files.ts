import { and, asc, eq } from 'drizzle-orm';
import { files } from '../../schema/index.ts';
import type { Db } from './client.ts';

export type FileRow = typeof files.$inferSelect;

export async function findFile(db: Db, consortiumId: string, id: string): Promise<FileRow | undefined> {
  const [row] = await db
    .select()
    .from(files)
    .where(and(eq(files.consortiumId, consortiumId), eq(files.id, id)));
  return row;
}

export async function vendorFiles(db: Db, caseId: string, vendorId: string, purpose: FileRow['purpose']): Promise<FileRow[]> {
  return db
    .select()
    .from(files)
    .where(and(eq(files.caseId, caseId), eq(files.vendorId, vendorId), eq(files.purpose, purpose)))
    .orderBy(asc(files.receivedAt));
}

export async function caseFiles(db: Db, caseId: string, purpose: FileRow['purpose']): Promise<FileRow[]> {
  return db
    .select()
    .from(files)
    .where(and(eq(files.caseId, caseId), eq(files.purpose, purpose)))
    .orderBy(asc(files.receivedAt));
}

/** What a receipt (受付票) and a file list show. */
export function fileView(row: FileRow) {
  return { id: row.id, name: row.name, size: row.size, sha256: row.sha256, receivedAt: row.receivedAt.toISOString(), contentType: row.contentType };
}
