// The Cloudflare Worker example's inbound mode under workerd, with Node's
// WebSocket (Node 20: --experimental-websocket): the room's log replayed
// after sw.resume in order, the sender's own messages left out, dup marks,
// a second connection of a client, and clients that never resume seeing
// exactly what they saw before the mode. The log's bounds, gaps and
// durability are in worker-inbound-log.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkerd, joinPeer, unique, inbound, nextFrames, post } from './workerd.mjs';

const { resume, ack, msg } = inbound;

let server;
before(async () => {
  server = await startWorkerd();
});
after(async () => {
  await server?.stop();
});

const join = (room, options) => joinPeer(server.url, room, options);

/** A peer that resumed after `after` and got `n` replayed frames. */
async function resumed(room, { client, name, after = 0, n = 0 } = {}) {
  const peer = await join(room, { client, name });
  peer.sendJson(resume(after));
  const replay = await nextFrames(peer, n, `${peer.name}: the replay`);
  return { peer, replay };
}

test('resume after N: the messages after N in order, then new ones; the sender gets none of its own', async () => {
  const room = unique('resume');
  const sender = await join(room, { client: unique('sender') });
  const { peer: witness } = await resumed(room, { name: 'witness' });
  const texts = Array.from({ length: 20 }, (_, i) => `m${i + 1}`);
  const ids = await post(sender, witness, texts);

  // A client that handled nothing gets all 20; one at the 10th, the rest.
  const { replay: all } = await resumed(room, { client: unique('late'), n: 20 });
  assert.deepEqual(all, texts.map((t, i) => msg(ids[i], t)));
  const { peer: late, replay: rest } = await resumed(room, { client: unique('late'), after: ids[9], n: 10 });
  assert.deepEqual(rest, texts.slice(10).map((t, i) => msg(ids[10 + i], t)));
  // New messages follow the replay, live, with the next ids.
  sender.send('m21');
  assert.deepEqual(await nextFrames(late, 1, 'live m21'), [msg(ids[19] + 1, 'm21')]);
  assert.deepEqual(await nextFrames(witness, 1, 'live m21'), [msg(ids[19] + 1, 'm21')]);
  // At the last id: nothing; above it (a client ahead of the room): nothing.
  for (const after of [ids[19] + 1, Number.MAX_SAFE_INTEGER]) {
    const { peer } = await resumed(room, { after });
    await peer.quiet(`nothing after ${after}`);
    await peer.close();
  }

  // The sender (resumed too) never gets its own messages, live or replayed.
  sender.sendJson(resume(0));
  await sender.quiet('its own 21 messages are not replayed to it');
  witness.send('from the witness');
  assert.deepEqual(await nextFrames(sender, 1, 'the witness\'s text'), [msg(ids[19] + 2, 'from the witness')]);
  sender.send('m22');
  assert.deepEqual(await nextFrames(witness, 1, 'live m22'), [msg(ids[19] + 3, 'm22')]);
  await sender.quiet('its own message does not come back');
  await witness.quiet('the witness does not get its own either');
  for (const p of [sender, witness, late]) await p.close();
});

test('reliable sw.msg from a sender is logged with its data; text as a JSON string; binary is not logged', async () => {
  const room = unique('data');
  const client = unique('rel');
  const sender = await join(room, { client });
  const { peer: reader } = await resumed(room, { name: 'reader' });
  sender.sendJson({ type: 'sw.msg', id: 1, dup: false, data: { k: [1, 2], s: 'é' } });
  assert.equal(await sender.next('ack 1'), '{"type":"sw.ack","id":1}');
  sender.sendJson({ type: 'sw.msg', id: 2, dup: false, data: 'a string' });
  assert.equal(await sender.next('ack 2'), '{"type":"sw.ack","id":2}');
  sender.sendJson({ type: 'sw.msg', id: 3 });
  assert.equal(await sender.next('ack 3'), '{"type":"sw.ack","id":3}');
  sender.send('{"type":"chat","text":"json is just text"}');
  const got = await nextFrames(reader, 4, 'the logged messages');
  const first = got[0].id;
  assert.deepEqual(got, [
    msg(first, { k: [1, 2], s: 'é' }),
    msg(first + 1, 'a string'),
    msg(first + 2, null),
    msg(first + 3, '{"type":"chat","text":"json is just text"}'),
  ]);
  // A resend of a delivered reliable message is acked, not logged again.
  sender.sendJson({ type: 'sw.msg', id: 2, dup: true, data: 'a string' });
  assert.equal(await sender.next('ack of the resent 2'), '{"type":"sw.ack","id":2}');
  // Binary goes to every other socket as binary, resumed or not; not logged.
  sender.send(new Uint8Array([1, 2, 3]));
  assert.deepEqual(await reader.next('binary'), new Uint8Array([1, 2, 3]));
  await reader.quiet('the resend is not logged');
  const { replay } = await resumed(room, { n: 4 });
  assert.deepEqual(replay, got, 'a replay carries the same ids and data');
  await sender.close();
  await reader.close();
});

test('a client that never resumes sees exactly the frames it saw before the inbound mode', async () => {
  const room = unique('plain');
  const plain = await join(room, { name: 'plain' });
  const plainWithId = await join(room, { client: unique('plain') });
  const { peer: modern } = await resumed(room, { client: unique('modern') });
  const sender = await join(room, { client: unique('sender') });
  // Everything a room sees: app text, JSON text, reliable frames, binary, the
  // keepalive, auth, and the inbound frames of a resumed peer.
  sender.send('plain text');
  sender.send('{"type":"chat"}');
  sender.sendJson({ type: 'sw.msg', id: 1, data: 'reliable text' });
  sender.sendJson({ type: 'sw.msg', id: 2, data: { a: 1 } });
  sender.send(new Uint8Array([9, 8]));
  sender.send('keep alive');
  sender.sendJson({ type: 'sw.auth', token: 't' });
  const plainFrames = async (expected) => {
    for (const peer of [plain, plainWithId]) {
      const got = [];
      for (const _ of expected) {
        const m = await peer.next(`${peer.name}: the next plain frame`);
        got.push(typeof m === 'string' ? m : `<binary ${[...m].join(',')}>`);
      }
      assert.deepEqual(got, expected, `${peer.name} sees today's frames`);
    }
  };
  await plainFrames(['plain text', '{"type":"chat"}', 'reliable text', '{"a":1}', '<binary 9,8>']);
  // (Frames of two sockets may reach the room in either order: one at a time.)
  modern.sendJson(resume(0));
  modern.sendJson(ack(1));
  modern.send('from the modern client');
  await plainFrames(['from the modern client']);
  for (const peer of [plain, plainWithId]) {
    await peer.quiet(`${peer.name}: nothing else (no sw.msg, no inbound frame of another client)`);
  }
  // What the plain peers send reaches the others as before.
  plain.send('from plain');
  assert.equal(await plainWithId.next('plain to plain'), 'from plain');
  await plain.quiet('nothing back');
  for (const p of [plain, plainWithId, modern, sender]) await p.close();
});

test('messages from many sockets at once get one id each, in the order every reader sees', async () => {
  const room = unique('burst');
  const senders = await Promise.all(Array.from({ length: 8 }, (_, i) => join(room, { name: `sender ${i}` })));
  const readers = await Promise.all([0, 1].map(async (i) => (await resumed(room, { name: `reader ${i}` })).peer));
  for (let round = 0; round < 25; round++) senders.forEach((s, i) => s.send(`${i}:${round}`));
  const seen = await Promise.all(readers.map((r) => nextFrames(r, 200, 'a message of the burst')));
  const ids = seen[0].map((f) => f.id);
  assert.deepEqual(ids, Array.from({ length: 200 }, (_, i) => ids[0] + i), 'consecutive ids, no id twice');
  assert.deepEqual(seen[1], seen[0], 'both readers see the same order');
  for (let i = 0; i < 8; i++) {
    const own = seen[0].filter((f) => f.data.startsWith(`${i}:`)).map((f) => f.data);
    assert.deepEqual(own, Array.from({ length: 25 }, (_, r) => `${i}:${r}`), `sender ${i} in its order`);
  }
  const { peer: late, replay } = await resumed(room, { n: 200 });
  assert.deepEqual(replay, seen[0], 'the log holds the same order');
  for (const p of [...senders, ...readers, late]) await p.close();
});

test('dup marks: a second connection of a client while the first is live, and after it closed', async () => {
  const room = unique('dup');
  const client = unique('twice');
  const sender = await join(room, { name: 'sender' });
  const { peer: first } = await resumed(room, { client, name: 'first' });
  const ids = await post(sender, first, ['a', 'b', 'c']);
  // The same client again while the first connection is live: all sent.
  const { peer: second, replay } = await resumed(room, { client, name: 'second', after: ids[0], n: 2 });
  assert.deepEqual(replay, [msg(ids[1], 'b', true), msg(ids[2], 'c', true)]);
  // Both connections get new messages, not marked.
  sender.send('d');
  for (const p of [first, second]) assert.deepEqual(await nextFrames(p, 1, 'd'), [msg(ids[2] + 1, 'd')]);
  first.sendJson(ack(ids[2] + 1));
  await first.close();
  await second.close();
  // Sent before the connections closed: dup; logged after: not.
  sender.send('e');
  const { peer: third, replay: again } = await resumed(room, { client, name: 'third', after: ids[2], n: 2 });
  assert.deepEqual(again, [msg(ids[2] + 1, 'd', true), msg(ids[2] + 2, 'e')]);
  // A second resume on one connection marks everything: it was all sent.
  third.sendJson(resume(ids[2] + 1));
  assert.deepEqual(await nextFrames(third, 1, 'the second replay'), [msg(ids[2] + 2, 'e', true)]);
  await sender.close();
  await third.close();
});

test('a resume in a room with no log sends nothing; malformed inbound frames close with 1008', async () => {
  const room = unique('empty');
  const { peer: early } = await resumed(room, { name: 'early' });
  early.sendJson(ack(5));
  await early.quiet('no log: nothing');
  const sender = await join(room, { name: 'sender' });
  sender.send('first');
  const [first] = await nextFrames(early, 1, 'the first message, live');
  assert.equal(first.data, 'first');
  for (const [bad, reason] of [
    ['{"type":"sw.resume"}', 'bad sw.resume'],
    ['{"type":"sw.resume","after":-1}', 'bad sw.resume'],
    ['{"type":"sw.resume","after":"3"}', 'bad sw.resume'],
    ['{"type":"sw.ack","id":1.5}', 'bad sw.ack'],
    ['{"type":"sw.ack"}', 'bad sw.ack'],
  ]) {
    const peer = await join(room, { name: bad });
    peer.send(bad);
    assert.deepEqual(await peer.closed(), { code: 1008, reason }, bad);
    assert.deepEqual(peer.messages, [], `no answer to ${bad}`);
  }
  await early.quiet('malformed frames are not broadcast');
  await early.close();
  await sender.close();
});
