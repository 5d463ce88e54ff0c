// Runs the Cloudflare Worker example (examples/cloudflare-worker, built by
// ./build.sh build) under npm's workerd on a free loopback port, with the
// rooms' storage on disk; and helpers for its inbound mode's tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const EXAMPLE_DIR = join(ROOT, 'examples', 'cloudflare-worker');
const WORKERD = join(ROOT, 'node_modules', '.bin', 'workerd');
const BUILT = ['build/worker/shim.mjs', 'build/index.js', 'build/index_bg.wasm'];

/** A new empty directory for the rooms' storage (workerd's `rooms` disk). */
export function newStorageDir() {
  return mkdtempSync(join(tmpdir(), 'sw-websocket-rooms-'));
}

/**
 * Starts workerd with examples/cloudflare-worker/workerd.capnp. Resolves to
 * `{url, httpUrl, port, pid, storageDir, startMs, stop()}`: `url` is
 * `ws://127.0.0.1:PORT`, `startMs` the time from spawn to its listen event,
 * and `stop()` sends SIGTERM (or `stop({signal})`) and resolves once it
 * exited (SIGKILL after 5 s).
 * The rooms' storage is on disk in `storageDir`: by default a new temporary
 * directory that `stop()` removes; one given by the caller (to start workerd
 * again on the same storage) is left for the caller to remove.
 */
export async function startWorkerd({ timeoutMs = 10_000, storageDir } = {}) {
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
  const ownDir = storageDir === undefined;
  const dir = ownDir ? newStorageDir() : storageDir;
  const removeDir = () => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
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
      '--directory-path',
      `rooms=${dir}`,
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
  ]).catch(async (e) => {
    child.kill('SIGKILL');
    await exit;
    removeDir();
    throw e;
  }).finally(() => clearTimeout(timer));
  const startMs = performance.now() - started;
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    storageDir: dir,
    startMs,
    async stop({ signal = 'SIGTERM' } = {}) {
      child.kill(signal); // nothing, if it already exited
      // An unref'd timer: it must not hold the test process for its 5 s.
      let done = await Promise.race([exit, sleep(5_000, null, { ref: false })]);
      if (!done) {
        child.kill('SIGKILL');
        done = await exit;
      }
      removeDir();
      return done;
    },
  };
}

// The inbound mode's frames and peers, for worker-inbound*.test.mjs.

/** A name no other test uses (rooms and client ids outlive a test in workerd). */
export const unique = (prefix) => `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * Opens `/ws/<room>[?client=<client>]` on the workerd at `base` (ws://...):
 * a Peer (peer.mjs, imported here only when used: it loads the browser
 * harness).
 */
export async function joinPeer(base, room, { client, name = client ?? room } = {}) {
  const { Peer } = await import('./peer.mjs');
  const { openSocket } = await import('./room.mjs');
  const query = client === undefined ? '' : `?client=${client}`;
  return new Peer(await openSocket(`${base}/ws/${room}${query}`, { name }), name);
}

/** The frames of the inbound mode, as objects. */
export const inbound = {
  resume: (after) => ({ type: 'sw.resume', after }),
  ack: (id) => ({ type: 'sw.ack', id }),
  msg: (id, data, dup = false) => (dup ? { type: 'sw.msg', id, dup: true, data } : { type: 'sw.msg', id, data }),
  gap: (after, next) => ({ type: 'sw.gap', after, next }),
};

/** The next `n` messages of a Peer, parsed as JSON (each must be a text). */
export async function nextFrames(peer, n, what, ms) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const text = await peer.next(`${what} (${i + 1} of ${n})`, ms);
    if (typeof text !== 'string') throw new Error(`${peer.name}: ${what}: a binary message`);
    out.push(JSON.parse(text));
  }
  return out;
}

/**
 * Sends `texts` from `sender` and waits until `witness`, a resumed peer, got
 * each as `sw.msg`, in order: they are in the log then. Resolves to their ids
 * (consecutive).
 */
export async function post(sender, witness, texts) {
  for (const text of texts) sender.send(text);
  const got = await nextFrames(witness, texts.length, 'a posted message');
  const ids = got.map((f) => f.id);
  const expected = texts.map((data, i) => inbound.msg(ids[0] + i, data));
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(`${witness.name} got ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`);
  }
  return ids;
}
