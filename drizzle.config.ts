import { defineConfig } from 'drizzle-kit';

// The same schema and migrations serve the embedded PGlite database and PostgreSQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/index.ts',
  out: './schema/migrations',
});
