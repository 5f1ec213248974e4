import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, executePrepared, sql, transaction } from '../../src/db/client.ts';
import { freshDatabase } from '../helpers/database.ts';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.execute(sql`create table driver_probe (id int primary key, note text)`);
  await database.db.execute(sql`insert into driver_probe values (1, 'one')`);
});
afterAll(() => database.close());

/** The rows of a statement (both drivers answer a result with `rows`). */
const rowsOf = async (statement: ReturnType<typeof sql>) => ((await database.db.execute(statement)) as unknown as { rows: unknown[] }).rows;
const one = (n: number) => rowsOf(sql`select ${n}::int as n`);
const duplicate = () => database.db.execute(sql`insert into driver_probe values (${1}, ${'again'})`);

describe('the database connection after a refused statement', () => {
  it('answers the next query with its own rows', async () => {
    await expect(duplicate()).rejects.toThrow();
    expect(await one(5)).toEqual([{ n: 5 }]);
    expect(await one(6)).toEqual([{ n: 6 }]);
  });

  it('answers each of several queries sent with a refused one with its own rows', async () => {
    const [refused, a, b] = await Promise.allSettled([duplicate(), one(7), one(8)]);
    expect(refused.status).toBe('rejected');
    expect(a).toEqual({ status: 'fulfilled', value: [{ n: 7 }] });
    expect(b).toEqual({ status: 'fulfilled', value: [{ n: 8 }] });
    expect(await one(9)).toEqual([{ n: 9 }]);
  });

  it('rolls back a transaction refused inside, and the next one commits', async () => {
    await expect(
      transaction(database.db, async (tx) => {
        await tx.execute(sql`insert into driver_probe values (2, 'two')`);
        await tx.execute(sql`insert into driver_probe values (${1}, ${'again'})`);
      }),
    ).rejects.toThrow();
    await transaction(database.db, (tx) => tx.execute(sql`insert into driver_probe values (3, 'three')`));
    expect(await rowsOf(sql`select id from driver_probe order by id`)).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('runs a prepared statement again after it was refused, inside a transaction and outside', async () => {
    const insert = (id: number) => executePrepared<{ id: number }>(database.db, sql`insert into driver_probe values (${id}, 'prepared') returning id`);
    expect(await insert(10)).toEqual([{ id: 10 }]);
    await expect(insert(10)).rejects.toThrow();
    expect(await transaction(database.db, (tx) => executePrepared<{ id: number }>(tx, sql`insert into driver_probe values (${11}, 'prepared') returning id`))).toEqual([{ id: 11 }]);
    expect(await insert(12)).toEqual([{ id: 12 }]);
    expect(await one(13)).toEqual([{ n: 13 }]);
  });
});
