// The early socket (socket.js's openEarly) in Node, where the module's
// arrival can be held back: a stored snapshot says `openAt` 0, so the socket
// opens as soon as the state is read, while the module is still loading.
// What the server sent on it meanwhile reaches the app after the open, in
// order, once the engine took it (one connection, not two); a module that
// fails to load closes it. A stand-in chrome.storage; Node's WebSocket;
// the test server greets every connection at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, until, sleep } from './harness.mjs';
import { wasm, worker } from './node-module.mjs';

const { SwWebSocket } = worker;

/** A storage area in memory, with chrome.storage's get/set/remove. */
function memoryArea() {
  const items = new Map();
  return {
    items,
    async get(key) {
      return items.has(key) ? { [key]: structuredClone(items.get(key)) } : {};
    },
    async set(values) {
      for (const [k, v] of Object.entries(values)) items.set(k, structuredClone(v));
    },
    async remove(key) {
      items.delete(key);
    },
  };
}

const local = memoryArea();
globalThis.chrome = { storage: { local, session: memoryArea() } };

/** A snapshot as the core writes it for a socket meant to be open to `url`. */
function openSnapshot(url) {
  return {
    version: 5, intent: 'open', url, options: {}, attempt: 0, nextAttemptAt: null, gaveUp: false,
    counters: {}, nextId: 1, outbox: [], lastClose: null, lastError: null, inboundHandled: 0,
    sleepUntil: null, openAt: 0,
  };
}

/** The module's bytes, handed over only when `release()` is called. */
function heldModule() {
  let release;
  const bytes = new Promise((resolve) => { release = () => resolve(wasm); });
  return { bytes, release };
}

test('a module that fails to load closes the socket opened early', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  local.items.set('early-fail', openSnapshot(`${server.url}?tag=early-fail`));
  let fail;
  const module = new Promise((resolve, reject) => { fail = reject; });
  const socket = new SwWebSocket({ storageKey: 'early-fail', wasm: module });
  const errors = [];
  socket.addEventListener('error', (e) => errors.push(e.error?.kind));
  await until('the early connection', async () => (await server.stats('early-fail')).openNow === 1);
  fail(new Error('no module here'));
  await assert.rejects(socket.ready);
  const [conn] = (await until('closed', async () => {
    const s = await server.stats('early-fail');
    return s.openNow === 0 && s.perConnection;
  }));
  assert.deepEqual([conn.closeCode, conn.closeReason], [1000, 'sw-websocket: not needed']);
  assert.deepEqual(errors, ['init']);
});

test('the socket opened before the module was ready is taken, with what the server sent meanwhile', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const url = `${server.url}?tag=early&greet=hello`;
  local.items.set('early', openSnapshot(url));
  const module = heldModule();
  const socket = new SwWebSocket({ storageKey: 'early', wasm: module.bytes });
  t.after(() => socket.close());
  const seen = [];
  socket.addEventListener('open', () => seen.push('open'));
  socket.addEventListener('message', (e) => seen.push(`message ${e.data}`));
  await until('the early connection', async () => (await server.stats('early')).openNow === 1);
  await sleep(200); // the greeting reaches the early socket, nobody listens yet
  const releasedAt = Date.now();
  module.release();
  await socket.ready;
  await until('the greeting', () => seen.length >= 2);
  await socket.send('after');
  await until('the echo', () => seen.includes('message after'));
  assert.deepEqual(seen, ['open', 'message hello', 'message after']);
  const stats = await server.stats('early');
  assert.equal(stats.perConnection.length, 1, 'one connection: the early one, taken');
  assert.ok(stats.perConnection[0].openedAt < releasedAt, 'it opened before the module was there');
  assert.deepEqual(stats.perConnection[0].lastTexts, ['after']);
  const status = await socket.status();
  assert.deepEqual([status.state, status.connects], ['open', 1]);
});
