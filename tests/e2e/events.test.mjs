// The SwWebSocket class of worker.js as code written for the browser's
// WebSocket uses it: an EventTarget with `once`, `signal`, `on<type>`,
// DOM events whose target is the socket, `readyState` through a reconnect,
// and calls that fail without an unhandled rejection. The real module runs
// in Node (in memory: storageArea "none"), with Node's WebSocket, against
// the test server. The same class in Chromium: consumer.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, until } from './harness.mjs';
import { wasm, worker } from './node-module.mjs';

const { SwWebSocket } = worker;

/** A socket kept connected to `url`, in memory. */
function socketTo(url, options = {}) {
  return new SwWebSocket({ storageKey: `events-${Math.random()}`, storageArea: 'none', wasm, url, options });
}

/** The next event of `type` on `target`. */
const next = (target, type) => new Promise((resolve) => target.addEventListener(type, resolve, { once: true }));

test('events are DOM events on an EventTarget: once, signal and on<type> as in the browser', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const socket = socketTo(`${server.url}?tag=events`);
  assert.ok(socket instanceof EventTarget, 'an EventTarget');
  assert.equal(SwWebSocket.OPEN, 1);
  assert.equal(socket.CLOSED, 3);
  assert.equal(socket.readyState, SwWebSocket.CONNECTING, 'CONNECTING while the module loads, a url given');
  const opened = await next(socket, 'open');
  assert.ok(opened instanceof Event, 'open is an Event');
  assert.equal(opened.target, socket, 'the socket is the target');
  assert.equal(socket.readyState, SwWebSocket.OPEN);
  assert.equal(socket.url, `${server.url}?tag=events`);
  assert.equal(socket.protocol, '');
  assert.equal(socket.bufferedAmount, 0);

  const seen = { once: 0, signal: 0, handler: [], listener: 0 };
  socket.addEventListener('message', () => { seen.once += 1; }, { once: true });
  const abort = new AbortController();
  socket.addEventListener('message', () => { seen.signal += 1; }, { signal: abort.signal });
  socket.onmessage = (event) => seen.handler.push(['first', event.data]);
  const both = (event) => { seen.listener += 1; assert.ok(event instanceof MessageEvent, 'a MessageEvent'); };
  socket.addEventListener('message', both);
  socket.addEventListener('message', both); // the same listener twice is one
  assert.equal(typeof socket.onmessage, 'function');

  await socket.send('one');
  await until('the first echo', () => seen.listener === 1);
  abort.abort();
  socket.onmessage = function onmessage(event) { seen.handler.push(['second', event.data, event.binary, this === socket]); };
  await socket.send('two');
  await until('the second echo', () => seen.listener === 2);
  socket.onmessage = null;
  assert.equal(socket.onmessage, null);
  const last = next(socket, 'message');
  await socket.send(new Uint8Array([1, 2, 3]));
  const binary = await last;
  assert.ok(binary.data instanceof ArrayBuffer, 'binary data is an ArrayBuffer');
  assert.equal(binary.binary, true);
  assert.deepEqual(seen, {
    once: 1, signal: 1, listener: 3,
    handler: [['first', 'one'], ['second', 'two', false, true]],
  });
  const history = await socket.received();
  assert.deepEqual(history.map((m) => [m.seq, m.type, m.data ?? m.bytes]), [[1, 'text', 'one'], [2, 'text', 'two'], [3, 'binary', 3]]);
  const closed = next(socket, 'close');
  await socket.close(1000, 'done');
  assert.equal(socket.readyState, SwWebSocket.CLOSING, 'close() resolves once the closing handshake started');
  assert.equal((await closed).code, 1000);
  assert.equal(socket.readyState, SwWebSocket.CLOSED);
});

test('readyState through a reconnect; close and state events carry their fields', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const socket = socketTo(`${server.url}?tag=flap`, { backoffBaseMs: 50, backoffMaxMs: 100 });
  await next(socket, 'open');
  const states = [];
  socket.onstate = (event) => states.push([event.state, socket.readyState]);
  const closed = next(socket, 'close');
  assert.equal((await server.control('close', { tag: 'flap', code: 4000, reason: 'flap' })).closed, 1, 'the close reached the connection');
  const close = await closed;
  assert.deepEqual([close.code, close.reason, close.wasClean], [4000, 'flap', true]);
  await next(socket, 'open');
  assert.equal(socket.readyState, SwWebSocket.OPEN);
  assert.deepEqual(states.at(-1), ['open', 1]);
  assert.ok(states.some(([state, readyState]) => state === 'backoff' && readyState === SwWebSocket.CONNECTING), JSON.stringify(states));
  const closedAgain = next(socket, 'close');
  await socket.close();
  await closedAgain;
  assert.equal(socket.readyState, SwWebSocket.CLOSED);
});

test('a call nobody awaits fails as an error event, never an unhandled rejection; an awaited one rejects', { timeout: 30_000 }, async (t) => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const socket = new SwWebSocket({ storageKey: 'events-refused', storageArea: 'none', wasm });
  const errors = [];
  socket.onerror = (event) => errors.push([event instanceof ErrorEvent, event.error.kind]);
  socket.send('before any connect()'); // not awaited
  socket.connect('http://example.com/'); // not awaited
  const refused = await socket.send({ not: 'data' }).catch((e) => e);
  assert.equal(refused.kind, 'invalid_message');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(errors.sort(), [[true, 'invalid_message'], [true, 'invalid_url'], [true, 'not_open']]);
  assert.deepEqual(unhandled, []);
});
