// Reliable inbound delivery as the class gives it, in Node (the real module,
// in memory, Node's WebSocket, the test server storing the pushes): one
// message at a time in id order, waitUntil holding the next one back, a
// rejected or too slow handler reported and counted as handled, acks. The
// same in Chromium across worker stops: inbound.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, until } from './harness.mjs';
import { wasm, worker } from './node-module.mjs';

const { SwWebSocket } = worker;

test('inbound messages: in order, one at a time, waitUntil, failures and timeouts counted as handled, acked', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const tag = 'inbound-node';
  await server.control('push', { reliable: 1, tag, text: 'm', count: 5 });
  const socket = new SwWebSocket({
    storageKey: 'inbound-node',
    storageArea: 'none',
    wasm,
    url: `${server.url}?tag=${tag}`,
    options: { reliableInbound: true, handlerTimeoutMs: 300 },
  });
  t.after(() => socket.close()); // else it reconnects and keeps the process alive
  const seen = [];
  const errors = [];
  const times = {}; // id -> [start, end of its waitUntil promise]
  let late = null;
  socket.onerror = (event) => errors.push(event.error.kind);
  socket.onmessage = (event) => {
    if (event.id === undefined) return;
    seen.push([event.id, event.data, event.dup]);
    const span = [performance.now(), null];
    times[event.id] = span;
    const end = () => { span[1] = performance.now(); };
    if (event.id === 2) {
      event.waitUntil(Promise.reject(new Error('nope')).finally(end));
    } else if (event.id === 3) {
      // Past handlerTimeoutMs (300): reported, counted as handled, the next goes on.
      late = new Promise((resolve) => setTimeout(resolve, 1000)).finally(end);
      event.waitUntil(late);
    } else {
      event.waitUntil(new Promise((resolve) => setTimeout(resolve, 20)).finally(end));
    }
  };
  await until('5 acked', async () => (await server.stats(tag)).inbound.acked === 5, 10_000);
  assert.deepEqual(seen, [[1, 'm1', false], [2, 'm2', false], [3, 'm3', false], [4, 'm4', false], [5, 'm5', false]]);
  assert.deepEqual(errors, ['handler_failed', 'handler_timeout']);
  // One at a time: each starts after the one before ended, but 4 starts
  // when 3 timed out (300 ms), before 3's promise settled (1 000 ms).
  for (const id of [2, 3, 5]) assert.ok(times[id][0] >= times[id - 1][1], `${id} started before ${id - 1} ended`);
  assert.ok(times[4][0] - times[3][0] >= 290, 'the timeout held 4 back');
  assert.ok(times[4][0] < times[3][0] + 900, '4 did not wait for 3 past the timeout');
  assert.equal((await socket.status()).inboundHandled, 5);
  // waitUntil only while the event is dispatched.
  let outside;
  socket.addEventListener('message', (event) => { outside = event; }, { once: true });
  await server.control('push', { reliable: 1, tag, text: 'later' });
  await until('the sixth', () => outside);
  assert.throws(() => outside.waitUntil(Promise.resolve()), /while the event is dispatched/);
  await late;
});

test('with the mode off, a server frame reaches the app as text, and no resume is sent', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const socket = new SwWebSocket({ storageKey: 'inbound-off', storageArea: 'none', wasm, url: `${server.url}?tag=off` });
  t.after(() => socket.close());
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  const texts = [];
  socket.onmessage = (event) => texts.push([event.data, event.id]);
  // A server that sends the frame anyway (a plain push): it is text to the app.
  const frame = '{"type":"sw.msg","id":1,"data":"x"}';
  assert.equal((await server.control('push', { tag: 'off', text: frame })).sent, 1);
  await until('the push', () => texts.length === 1);
  assert.deepEqual(texts[0], [frame, undefined]);
  assert.deepEqual((await server.stats('off')).inbound.resumes, []);
});

test('frames read in place and frames left to the core as text give the same events, in order', { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const tag = 'inbound-shapes';
  const socket = new SwWebSocket({
    storageKey: 'inbound-shapes', storageArea: 'none', wasm, url: `${server.url}?tag=${tag}`, options: { reliableInbound: true },
  });
  t.after(() => socket.close());
  await until('resumed', async () => (await server.stats(tag)).inbound.resumes.length === 1);
  const seen = [];
  socket.onmessage = (event) => seen.push([event.id, event.data, event.dup]);
  socket.ongap = (event) => seen.push(['gap', event.after, event.next]);
  // Sent as plain texts by the server, so that their shape is ours to choose.
  const frames = [
    '{"type":"sw.msg","id":1,"data":{"n":[1,"}"]}}', // an object
    '{"type":"sw.msg","id":2,"dup":true}', // no data: null
    '{"type":"sw.msg","id":2.5,"data":"x"}', // not a whole id: no frame, text for the app
    '{"type":"sw.msg","id":9007199254740992,"data":"big"}', // above 2^53 - 1: no frame either
    ' {"type":"sw.msg","id":3,"dup":false,"data":"last","data":"wins"}', // a repeated key: the last
    '{"type":"sw.gap","after":3,"next":5}', // read by the core, between messages read in place
    '{"type":"sw.msg","id":5,"data":"after the gap"}',
  ];
  for (const text of frames) await server.control('push', { tag, text });
  await until('seven events', () => seen.length === 7).catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(seen)}`); });
  assert.deepEqual(seen, [
    [1, { n: [1, '}'] }, false],
    [2, null, true],
    [undefined, frames[2], undefined],
    [undefined, frames[3], undefined],
    [3, 'wins', false],
    ['gap', 3, 5],
    [5, 'after the gap', false],
  ]);
  assert.equal((await socket.status()).inboundHandled, 5);
});
