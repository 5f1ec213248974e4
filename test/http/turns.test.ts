import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/http/turns.ts';

/** A loop whose turns the test runs by hand. */
function fakeLoop() {
  const pending: (() => void)[] = [];
  return {
    nextTurn: (run: () => void) => void pending.push(run),
    /** Runs the callbacks queued for the next turn, then lets the started work run to its next await. */
    async turn() {
      const now = pending.splice(0);
      for (const run of now) run();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
    get queued() {
      return pending.length;
    },
  };
}

describe('turns', () => {
  it('starts one waiting request per turn of the loop, first come first served', async () => {
    const loop = fakeLoop();
    const turns = new Turns(loop.nextTurn);
    const started: string[] = [];
    for (const name of ['a', 'b', 'c']) void turns.wait().then(() => started.push(name));
    // none starts before the loop turns
    expect(started).toEqual([]);
    await loop.turn();
    expect(started).toEqual(['a']);
    // one arriving now queues behind those already waiting
    void turns.wait().then(() => started.push('d'));
    await loop.turn();
    expect(started).toEqual(['a', 'b']);
    await loop.turn();
    await loop.turn();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    // nothing left: no turn is asked for until someone waits again
    expect(loop.queued).toBe(0);
    void turns.wait().then(() => started.push('e'));
    expect(loop.queued).toBe(1);
    await loop.turn();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('lets a connection in between two requests of a busy loop', async () => {
    // on the real loop: a timer (as the network's poll) gets its turn while many wait, each taking 1 ms
    const turns = new Turns();
    const order: string[] = [];
    const work = () => {
      const until = performance.now() + 1;
      while (performance.now() < until);
    };
    const waits = Array.from({ length: 50 }, (_, i) => turns.wait().then(() => (work(), order.push(`r${i}`))));
    setTimeout(() => order.push('poll'), 0);
    await Promise.all(waits);
    expect(order.indexOf('poll')).toBeGreaterThan(-1);
    expect(order.indexOf('poll')).toBeLessThan(10);
    expect(order.filter((x) => x !== 'poll')).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`));
  });
});
