import { users, type Role } from '../../schema/index.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Db } from './client.ts';
import { isUniqueViolation } from './errors.ts';
import type { UserRow } from './tenancy.ts';

export interface NewUser {
  consortiumId: string | null;
  email: string;
  name: string;
  role: Role;
  /** hashed before the transaction starts, so no lock is held while scrypt runs */
  passwordHash: string;
  memberId?: string | null | undefined;
  vendorId?: string | null | undefined;
}

/** Inserts an account; a taken address is 409 email_taken. */
export async function insertUser(tx: Db, input: NewUser, now: Date): Promise<UserRow> {
  try {
    const [row] = await tx
      .insert(users)
      .values({
        id: newId(),
        consortiumId: input.consortiumId,
        email: input.email.toLowerCase(),
        name: input.name,
        role: input.role,
        memberId: input.memberId ?? null,
        vendorId: input.vendorId ?? null,
        passwordHash: input.passwordHash,
        createdAt: now,
      })
      .returning();
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('email_taken');
    throw err;
  }
}
