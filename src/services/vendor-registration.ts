import { z } from 'zod';
import { registrationThrottleOf } from '../auth/login-throttle.ts';
import { hashPassword } from '../auth/password.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import { findConsortium, userView, vendorView } from '../db/tenancy.ts';
import { insertUser } from '../db/users.ts';
import { waitMinutes } from '../domain/login-throttle.ts';
import { AppError, notFound } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { parseWith } from '../http/json.ts';
import { emailInput, idParam, nameInput, passwordInput } from '../http/inputs.ts';
import { corporateNumberInput } from '../http/member-input.ts';
import { mutate } from '../http/mutate.ts';
import { insertVendor, vendorAddressFields } from './qualification.ts';

export const registrationInput = z.strictObject({
  consortiumId: idParam,
  companyName: nameInput,
  corporateNumber: corporateNumberInput.optional(),
  ...vendorAddressFields,
  email: emailInput,
  name: nameInput,
  password: passwordInput,
}).strict();

/**
 * Counts a self-registration from the caller's address, or refuses it (429) while the address has
 * registered too often. Counted once the input is valid, before the password is hashed or anything is
 * looked up, in one synchronous step: simultaneous registrations cannot all pass.
 */
function throttleRegistration(c: Ctx): void {
  const { database, clock } = c.get('deps');
  const wait = registrationThrottleOf(database).begin(clientAddress(c), clock.now().getTime());
  if (wait === 0) return;
  c.header('Retry-After', String(Math.ceil(wait / 1000)));
  throw new AppError('rate_limited', `この接続元からの事業者登録が続いたため、一時的に登録を止めています。${waitMinutes(wait)} 分ほど待ってから再度お試しください。`);
}

/**
 * A vendor registers itself with its first login; anyone may call it (the consortium must exist). It
 * waits for the secretariat's approval (pending) before it may propose or bid.
 */
export async function registerVendor(c: Ctx, raw: unknown) {
  const input = parseWith(registrationInput, raw);
  throttleRegistration(c);
  if (!(await findConsortium(dbOf(c), input.consortiumId))) throw notFound('指定された協議会が見つかりません。');
  const passwordHash = await hashPassword(input.password);
  const now = nowOf(c);
  return mutate(c, async (tx, audit) => {
    const vendor = await insertVendor(tx, { consortiumId: input.consortiumId, name: input.companyName, corporateNumber: input.corporateNumber, address: input.address, representative: input.representative, approvedBy: null }, now);
    const user = await insertUser(
      tx,
      { consortiumId: input.consortiumId, role: 'vendor', vendorId: vendor.id, email: input.email, name: input.name, passwordHash },
      now,
    );
    await audit({
      consortiumId: input.consortiumId,
      actorUserId: user.id,
      actorRole: 'vendor',
      action: 'vendor.register',
      objectType: 'vendor',
      objectId: vendor.id,
      details: { name: vendor.name, corporateNumber: vendor.corporateNumber, address: vendor.address, representative: vendor.representative, email: user.email, qualification: vendor.qualification },
    });
    return { vendor: vendorView(vendor), user: userView(user) };
  });
}
