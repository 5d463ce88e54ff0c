// Runs the Cloudflare Worker example (examples/cloudflare-worker, built by
// ./build.sh build) under npm's workerd on a free loopback port.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const EXAMPLE_DIR = join(ROOT, 'examples', 'cloudflare-worker');
const WORKERD = join(ROOT, 'node_modules', '.bin', 'workerd');
const BUILT = ['build/worker/shim.mjs', 'build/index.js', 'build/index_bg.wasm'];

/**
 * Starts workerd with examples/cloudflare-worker/workerd.capnp. Resolves to
 * `{url, httpUrl, port, startMs, stop()}`: `url` is `ws://127.0.0.1:PORT`,
 * `startMs` the time from spawn to its listen event, and `stop()` sends
 * SIGTERM and resolves once it exited (SIGKILL after 5 s).
 */
export async function startWorkerd({ timeoutMs = 10_000 } = {}) {
  if (!existsSync(WORKERD)) {
    throw new Error('node_modules/.bin/workerd is missing: run ./build.sh setup (npm ci)');
  }
  const missing = BUILT.filter((f) => !existsSync(join(EXAMPLE_DIR, f)));
  if (missing.length > 0) {
    throw new Error(
      `the Cloudflare Worker example is not built (no ${missing.join(', ')} in ` +
        'examples/cloudflare-worker): run ./build.sh build',
    );
  }
  const started = performance.now();
  const child = spawn(
    WORKERD,
    [
      'serve',
      join(EXAMPLE_DIR, 'workerd.capnp'),
      '--socket-addr',
      'http=127.0.0.1:0',
      '--control-fd',
      '3',
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'pipe'] },
  );
  const exit = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  // fd 3 carries one JSON object per line: {"event":"listen","socket":"http","port":N}.
  const lines = createInterface({ input: child.stdio[3] });
  let timer;
  const port = await Promise.race([
    new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          return;
        }
        if (event.event === 'listen' && event.socket === 'http') resolve(event.port);
      });
      child.on('error', reject);
    }),
    exit.then(({ code, signal }) => {
      throw new Error(`workerd exited (code ${code}, signal ${signal}) before it listened`);
    }),
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`workerd did not report its port on fd 3 within ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  }).finally(() => clearTimeout(timer));
  const startMs = performance.now() - started;
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    port,
    startMs,
    async stop() {
      child.kill('SIGTERM'); // nothing, if it already exited
      // An unref'd timer: it must not hold the test process for its 5 s.
      const done = await Promise.race([exit, sleep(5_000, null, { ref: false })]);
      if (done) return done;
      child.kill('SIGKILL');
      return exit;
    },
  };
}
