import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('health', () => {
  it('is ready while the database answers and 503 once it is gone, while alive stays 200', async () => {
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    expect((await h.call('GET', '/readyz')).status).toBe(200);
    const { database } = h.deps;
    h.deps.database = { ...database, ping: () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })) };
    try {
      const ready = await h.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('database_unavailable');
      expect((await h.call('GET', '/healthz')).status).toBe(200);
    } finally {
      h.deps.database = database;
    }
  });
});
