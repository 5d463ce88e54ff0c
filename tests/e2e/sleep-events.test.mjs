// Sleeping when idle as the class shows it, in Node (the real module, in
// memory, Node's WebSocket, the test server): the close with its reason,
// state `sleeping`, readyState CONNECTING, `wakeAt`, and a send that wakes
// it at once. The ten-minute run in Chromium, with the worker stopping
// between wakes: sleep.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, until } from './harness.mjs';
import { wasm, worker } from './node-module.mjs';

const { SwWebSocket } = worker;

test('idle for sleepAfterMs: closed with 1000, state sleeping, woken at once by a send', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const socket = new SwWebSocket({
    storageKey: 'sleep-node', storageArea: 'none', wasm, url: `${server.url}?tag=sleepy`,
    options: { sleepAfterMs: 2500, wakeEveryMs: 60000, keepaliveMs: 1000 },
  });
  t.after(() => socket.close());
  const states = [];
  socket.onstate = (event) => states.push(event.state);
  const closed = new Promise((resolve) => socket.addEventListener('close', resolve, { once: true }));
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  const openedAt = Date.now();
  // Keepalives every second do not keep it awake: only application data does.
  const close = await closed;
  const idleMs = Date.now() - openedAt;
  assert.ok(idleMs >= 2450 && idleMs < 5000, `slept after ${idleMs} ms`);
  assert.deepEqual([close.code, close.reason, close.wasClean], [1000, 'sw-websocket: idle, sleeping', true]);
  await until('sleeping', () => states.includes('sleeping'));
  assert.equal(socket.readyState, SwWebSocket.CONNECTING);
  const status = await socket.status();
  assert.deepEqual([status.state, status.intent], ['sleeping', 'open']);
  assert.ok(Math.abs(status.wakeAt - (Date.now() + 60000)) < 5000, `wakeAt ${status.wakeAt}`);
  const [first] = (await server.stats('sleepy')).perConnection;
  assert.ok(first.keepalives >= 1, 'keepalives were sent while awake');
  assert.equal(first.closeReason, 'sw-websocket: idle, sleeping');
  // A send while asleep connects at once and goes out.
  const sentAt = Date.now();
  const sent = await socket.send('wake up');
  assert.deepEqual(sent.queued, true);
  await until('the send on a new connection', async () => (await server.stats('sleepy')).perConnection[1]?.lastTexts?.includes('wake up'));
  assert.ok(Date.now() - sentAt < 3000, 'woken at once');
  assert.deepEqual(states.slice(-3), ['sleeping', 'connecting', 'open']);
  assert.equal((await socket.status()).wakeAt, null);
});
