// Through a server that compresses: Chrome offers permessage-deflate on every
// connection, and most servers and proxies take it. The test server's
// /deflate route frames and inflates by hand and counts each message that
// came compressed, so these tests fail if compression was not in use.
// sw-websocket never sees frames; what it adds (echoes, pushes, reliable
// acks, the outbox across a worker stop) must work the same over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, watchWorker, until, assertNotAttached, assertRevived } from './harness.mjs';

const deflateUrl = (server, tag) => `${server.url.replace(/\/ws$/, '')}/deflate?tag=${tag}`;
const status = async (env, page) => (await env.ask(page, { swWebSocket: 'status' })).status;
/** A text worth compressing, told apart by `n` at its start (the history keeps 1 000 units of it). */
const text = (n) => `${n}:${'compress me '.repeat(60)}`;

test('through a compressing server: texts echoed, a binary pushed, reliable messages acked', { timeout: 60_000 }, async (t) => {
  const { server, env } = await setup(t);
  const page = await env.page('popup.html');
  const ask = (request) => env.ask(page, request);
  assert.deepEqual(await ask({ swWebSocket: 'connect', url: deflateUrl(server, 'z') }), { ok: true });
  await until('open', async () => (await status(env, page)).state === 'open');

  const texts = Array.from({ length: 20 }, (_, i) => text(i));
  for (const data of texts) assert.equal((await ask({ swWebSocket: 'send', data })).ok, true);
  await until('the 20 echoes', async () => {
    const { messages } = await ask({ swWebSocket: 'received', limit: 50 });
    return texts.every((sent) => messages.some((m) => m.data === sent));
  });
  assert.equal((await server.control('push', { tag: 'z', bytes: 65536 })).sent, 1);
  await until('the pushed binary', async () =>
    (await ask({ swWebSocket: 'received', limit: 5 })).messages.some((m) => m.type === 'binary' && m.bytes === 65536));

  const reliable = ['first reliable', 'second reliable', { a: 'third' }];
  for (const data of reliable) {
    const reply = await ask({ swWebSocket: 'send', data, reliable: true });
    assert.equal(reply.queued, true, JSON.stringify(reply));
  }
  await until('every reliable message acked', async () => (await status(env, page)).outbox === 0);
  const stats = await server.stats('z');
  assert.deepEqual(stats.reliable.delivered, ['first reliable', 'second reliable', { a: 'third' }]);
  const [conn] = stats.perConnection;
  t.diagnostic(`one connection: ${conn.messages} messages in, ${conn.compressedMessages} of them compressed`);
  assert.equal(stats.connections, 1);
  assert.ok(conn.compressedMessages >= texts.length, 'the client compressed what it sent');
});

test('through a compressing server: reliable messages unacked when the worker is stopped are sent again and delivered once, in order', { timeout: 90_000 }, async (t) => {
  // The acks come 3 s late: the worker is stopped while all of them are due.
  const { server, env } = await setup(t, ['--ack-delay-ms', '3000']);
  const watch = await watchWorker(env);
  t.after(() => watch.close());
  const page = await env.page('popup.html');
  const options = { reliable: true, backoffBaseMs: 500, backoffMaxMs: 2000, watchdogMs: 3000 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url: deflateUrl(server, 'zr'), options }), { ok: true });
  await until('open', async () => (await status(env, page)).state === 'open');

  const texts = Array.from({ length: 10 }, (_, i) => text(i));
  for (const data of texts) assert.equal((await env.ask(page, { swWebSocket: 'send', data })).queued, true);
  // The moment between two steps: every message sent, none acked yet.
  await until('the server to get the 10', async () => (await server.stats('zr')).reliable.frames.length === texts.length);
  assert.equal((await status(env, page)).outbox, texts.length, 'none acked yet');
  await page.close(); // nothing may wake the worker but its alarm
  await watch.stopWorker();
  await assertNotAttached(env);

  const stats = await until('the 10 sent again on a later connection', async () => {
    const s = await server.stats('zr');
    const later = s.perConnection.slice(1).reduce((n, c) => n + c.messages, 0);
    return later >= texts.length && s;
  }, 30_000, 250);
  assert.deepEqual(stats.reliable.delivered, texts, 'each delivered once, in order');
  const again = stats.reliable.frames.filter(([, dup]) => dup).length;
  t.diagnostic(`frames ${stats.reliable.frames.length}, marked dup ${again}; compressed per connection ${stats.perConnection.map((c) => c.compressedMessages)}`);
  assert.ok(again >= texts.length, 'every unacked message was sent again, marked dup');
  assert.ok(stats.perConnection.every((c) => c.compressedMessages > 0), 'every connection compressed');
  const later = await env.page('popup.html');
  await until('the late acks to empty the outbox', async () => (await status(env, later)).outbox === 0, 15_000, 250);
  await later.close();
  await assertRevived(t, env);
});
