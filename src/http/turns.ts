import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

/**
 * Requests take turns: each waits in arrival order and one starts per turn of the event loop.
 *
 * Under load a handler's work (and the embedded database's, which runs on this thread) would otherwise
 * all run in the turn its request was read in; the loop then comes back to the network rarely, and a
 * connection opened meanwhile waits in the kernel's queue for seconds while others are answered. One
 * start a turn keeps each turn short, so new connections are taken and every request is served in the
 * order it came.
 */
export class Turns {
  readonly #waiting: (() => void)[] = [];
  #scheduled = false;

  /** `nextTurn` runs a callback on a later turn of the loop (setImmediate in the app; a fake in tests). */
  constructor(private readonly nextTurn: (run: () => void) => void = setImmediate) {}

  /** Resolves when this caller's turn has come; callers are served first come, first served. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#scheduled) {
        this.#scheduled = true;
        this.nextTurn(this.#serve);
      }
    });
  }

  readonly #serve = () => {
    this.#waiting.shift()?.();
    if (this.#waiting.length > 0) this.nextTurn(this.#serve);
    else this.#scheduled = false;
  };
}

export function takeTurns(): MiddlewareHandler<AppEnv> {
  const turns = new Turns();
  return async function takeTurn(_c, next) {
    await turns.wait();
    await next();
  };
}
