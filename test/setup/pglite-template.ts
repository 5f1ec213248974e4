import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/** Migrates one embedded database and saves it; every test file starts from a copy of it. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'wb-pglite-'));
  const file = join(dir, 'template.tar');
  const database = await openPglite();
  await database.migrate();
  const dump = await database.dump!();
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
