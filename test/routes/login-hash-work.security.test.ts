import type * as crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

// README: "an unknown address costs the same hash work and gets the same message as a wrong password".
// Every scrypt call the app makes is recorded with its parameters (never the password), so a login
// that skips the hash, or hashes with cheaper parameters, for an unknown address shows here.

interface HashWork {
  saltLength: number;
  keyLength: number;
  options: unknown;
}

const work = vi.hoisted(() => ({ calls: [] as HashWork[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  const scrypt = ((password: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, ...rest: unknown[]) => {
    const options = rest.length > 1 ? rest[0] : undefined;
    work.calls.push({ saltLength: Buffer.from(salt as Buffer).length, keyLength: keylen, options });
    return (actual.scrypt as (...args: unknown[]) => void)(password, salt, keylen, ...rest);
  }) as typeof crypto.scrypt;
  return { ...actual, scrypt, default: { ...actual, scrypt } };
});

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'hw');
});
afterAll(() => h.close());

async function hashWorkOf(email: string, password: string) {
  work.calls.length = 0;
  const res = await h.call('POST', '/api/auth/login', { body: { email, password } });
  return { status: res.status, message: res.body.error?.message as string | undefined, calls: [...work.calls] };
}

describe('login hash work', () => {
  it('is the same for an unknown address as for a wrong password: the same scrypt calls with the same parameters', async () => {
    expect(a.secretariat).toBeTruthy();
    // the dummy hash an unknown address is checked against is made once, on the first such login
    await hashWorkOf('warm-up@test.example', 'not-the-password-0');

    const unknown = await hashWorkOf('nobody-here@test.example', 'not-the-password-1');
    const wrong = await hashWorkOf('sec-hw@test.example', 'not-the-password-2');

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.message).toBe(wrong.message);
    expect(wrong.calls).toHaveLength(1);
    expect(unknown.calls).toEqual(wrong.calls);
    expect(wrong.calls[0]).toMatchObject({ saltLength: 16, keyLength: 32, options: { N: 32768, r: 8, p: 1 } });
  });

  it('a right password costs the same one hash', async () => {
    const right = await hashWorkOf('sec-hw@test.example', 'test-password-1');
    expect(right.status).toBe(200);
    const unknown = await hashWorkOf('nobody-again@test.example', 'test-password-1');
    expect(unknown.calls).toEqual(right.calls);
  });
});
