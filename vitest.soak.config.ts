import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the long runs against a real server process on PostgreSQL (TEST_DATABASE_URL):
// a database outage during a burst of writes, and a minute of 200 concurrent mixed clients.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
