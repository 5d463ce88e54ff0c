// The test server's inbound reliable protocol (tests/server/INBOUND.md),
// driven with Node's own WebSocket client (Node 20: --experimental-websocket):
// stored pushes, sw.resume replays, cumulative sw.ack, dup marks, sw.gap after
// /control/forget, and that the protocol frames are never echoed.
//   cargo build -p sw-test-server
//   node --experimental-websocket --test tests/e2e/server-inbound.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, until } from './harness.mjs';
import { openSocket } from './room.mjs';
import { Peer } from './peer.mjs';

let server;
let http;
before(async () => {
  server = await startServer();
  http = server.url.replace('ws://', 'http://').replace(/\/ws$/, '');
});
after(() => server?.stop());

const resume = (after) => JSON.stringify({ type: 'sw.resume', after });
const ack = (id) => JSON.stringify({ type: 'sw.ack', id });
const msg = (id, data, dup = false) => (dup ? { type: 'sw.msg', id, dup, data } : { type: 'sw.msg', id, data });

/** A plain connection of `tag`. */
async function connect(tag) {
  return new Peer(await openSocket(`${server.url}?tag=${encodeURIComponent(tag)}`, { name: tag }), tag);
}

/** A connection of `tag` that resumed after `after`. */
async function resumed(tag, after = 0) {
  const peer = await connect(tag);
  peer.send(resume(after));
  return peer;
}

/** The next `n` messages of `peer`, parsed. */
async function take(peer, n, ms = 10_000) {
  await peer.until(`${n} messages`, () => peer.messages.length >= n, ms);
  return peer.messages.splice(0, n).map((m) => JSON.parse(m));
}

const push = (tag, params = {}) => server.control('push', { reliable: '1', tag, ...params });
const inbound = async (tag) => (await server.stats(tag)).inbound;

test('messages stored before any client are sent after sw.resume, in order, and not before', async () => {
  const tag = 'stored';
  assert.deepEqual(await push(tag, { text: 'héllo "quoted"\n' }), { first: 1, last: 1, live: 0 });
  assert.deepEqual(await push(tag, { text: 'n-', count: '3' }), { first: 2, last: 4, live: 0 });

  const plain = await connect(tag);
  plain.send('hello');
  assert.equal(await plain.next('the echo'), 'hello');
  await plain.quiet('no sw.msg without sw.resume');

  const peer = await resumed(tag, 0);
  assert.deepEqual(await take(peer, 4), [
    msg(1, 'héllo "quoted"\n'),
    msg(2, 'n-1'),
    msg(3, 'n-2'),
    msg(4, 'n-3'),
  ]);
  await peer.quiet('nothing more');
  await plain.quiet('still no sw.msg for the plain connection');
  const stats = await inbound(tag);
  assert.equal(stats.nextId, 5);
  assert.equal(stats.stored, 4);
  assert.deepEqual(stats.resumes, [0]);
  assert.equal(stats.sent, 4);
  assert.equal(stats.dups, 0);
  await peer.close();
  await plain.close();
});

test('1000 numbered messages arrive in order; an ack drops them; a resume after it resends the rest as dup', async () => {
  const tag = 'thousand';
  const peer = await resumed(tag, 0);
  assert.deepEqual(await push(tag, { text: 'm', count: '1000' }), { first: 1, last: 1000, live: 1 });
  const first = await take(peer, 1000);
  assert.deepEqual(first, Array.from({ length: 1000 }, (_, i) => msg(i + 1, `m${i + 1}`)));

  peer.send(ack(600));
  peer.send(ack(400)); // an older ack changes nothing but the count
  await server.control('push', { tag, text: 'plain' }); // a plain push meanwhile: not stored
  assert.equal(await peer.next('the plain push'), 'plain');
  let stats = await until('both acks counted', async () => {
    const s = await inbound(tag);
    return s.ackFrames === 2 && s;
  });
  assert.deepEqual([stats.stored, stats.acked, stats.ackFrames, stats.nextId], [400, 600, 2, 1001]);
  await peer.close();

  const again = await resumed(tag, 600);
  const rest = await take(again, 400);
  assert.deepEqual(rest, Array.from({ length: 400 }, (_, i) => msg(601 + i, `m${601 + i}`, true)));
  await again.quiet('nothing more');
  stats = await inbound(tag);
  assert.deepEqual(stats.resumes, [0, 600]);
  assert.deepEqual([stats.sent, stats.dups, stats.gaps], [1400, 400, 0]);
  await again.close();
});

test('pushes racing a resume keep id order with nothing twice', async () => {
  const tag = 'race';
  await push(tag, { text: 'r', count: '300' });
  const peer = await connect(tag);
  const pushes = Promise.all([1, 2, 3].map(() => push(tag, { text: 'r', count: '100' })));
  peer.send(resume(0));
  await pushes;
  const got = await take(peer, 600);
  assert.deepEqual(got.map((m) => m.id), Array.from({ length: 600 }, (_, i) => i + 1));
  assert.ok(got.every((m) => !m.dup && m.data.startsWith('r')));
  await peer.quiet('nothing twice');
  await peer.close();
});

test('after /control/forget a resume from below gets sw.gap before the first stored id', async () => {
  const tag = 'gap';
  await push(tag, { text: 'g', count: '10' });
  assert.deepEqual(await server.control('forget', { tag, upTo: '6' }), { forgotten: 6, stored: 4 });
  const peer = await resumed(tag, 2);
  assert.deepEqual(await take(peer, 5), [
    { type: 'sw.gap', after: 2, next: 7 },
    msg(7, 'g7'),
    msg(8, 'g8'),
    msg(9, 'g9'),
    msg(10, 'g10'),
  ]);
  peer.send(resume(6)); // at the edge: no gap, the same four again as dup
  assert.deepEqual((await take(peer, 4)).map((m) => [m.type, m.id, m.dup]), [7, 8, 9, 10].map((id) => ['sw.msg', id, true]));

  assert.deepEqual(await server.control('forget', { tag, upTo: '100' }), { forgotten: 4, stored: 0 });
  peer.send(resume(8));
  assert.deepEqual(await take(peer, 1), [{ type: 'sw.gap', after: 8, next: 11 }], 'nothing stored: next is the next id');
  peer.send(resume(10));
  await peer.quiet('nothing lost after 10');
  const stats = await inbound(tag);
  assert.deepEqual([stats.gaps, stats.forgotten, stats.stored], [2, 10, 0]);
  assert.deepEqual(stats.resumes, [2, 6, 8, 10]);
  await peer.close();
});

test('sw.resume and sw.ack are never echoed and not counted as messages', async () => {
  const tag = 'quiet';
  const peer = await connect(tag);
  peer.send(resume(0));
  peer.send(ack(0));
  peer.send('{"type":"sw.ack"}'); // malformed: ignored, counted
  peer.send('keep alive');
  peer.send('hi');
  assert.equal(await peer.next('the echo of hi'), 'hi');
  await peer.quiet('only the echo');
  const stats = await server.stats(tag);
  const [conn] = stats.perConnection;
  assert.deepEqual(
    [conn.frames, conn.messages, conn.keepalives, conn.inboundFrames, conn.lastTexts],
    [5, 1, 1, 3, ['hi']],
  );
  assert.equal(stats.messages, 1);
  assert.equal(stats.inbound.malformed, 1);
  await peer.close();
});

test('bad control requests get 400 and change nothing', async () => {
  const tag = 'bad';
  for (const query of [
    `push?reliable=yes&tag=${tag}`,
    `push?reliable=1&tag=${tag}&bytes=3`,
    `push?reliable=1&tag=${tag}&count=1000001`,
    `forget?tag=${tag}`,
    `forget?tag=${tag}&upTo=x`,
  ]) {
    const response = await fetch(`${http}/control/${query}`, { method: 'POST' });
    assert.equal(response.status, 400, query);
  }
  assert.equal((await inbound(tag)).nextId, 1);
});
