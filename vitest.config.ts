import { defineConfig } from 'vitest/config';

// Tests that need a database live under test/routes and test/db; they run on the embedded PGlite and,
// when TEST_DATABASE_URL is set, once more on PostgreSQL, each file on a fresh database of its own.
const dbTests = ['test/routes/**/*.test.{ts,tsx}', 'test/db/**/*.test.ts'];

const postgresProject = process.env.TEST_DATABASE_URL
  ? [
      {
        test: {
          name: 'postgres',
          include: dbTests,
          env: { TEST_DB: 'postgres' },
          globalSetup: ['test/setup/postgres-template.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ]
  : [];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: [...dbTests, 'test/e2e/**', 'test/soak/**'],
        },
      },
      {
        test: {
          name: 'pglite',
          include: dbTests,
          env: { TEST_DB: 'pglite' },
          globalSetup: ['test/setup/pglite-template.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...postgresProject,
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env: { TEST_DB: 'pglite' },
          globalSetup: ['test/setup/pglite-template.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
