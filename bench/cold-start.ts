import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Starts the server as `npm start` does and answers the time until /readyz first answers 200. */
async function startOnce(dataDir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port), DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error('server exited during start');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** Process start to /readyz 200 on an existing embedded database (the first start creates it and is not counted). */
export async function benchColdStart(runs = 5) {
  const dataDir = await mkdtemp(join(tmpdir(), 'wb-bench-start-'));
  const port = 41_000 + Math.floor(Math.random() * 10_000);
  try {
    const first = await startOnce(dataDir, port);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await startOnce(dataDir, port));
    return { firstMs: first, medianMs: median(times) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
