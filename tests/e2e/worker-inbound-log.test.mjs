// The Cloudflare Worker example's inbound log under workerd: its bounds
// (1000 messages, 1 MiB of data; a longer message is a mark) reported as
// sw.gap, acks recorded per client, and the log and the acks surviving an
// eviction of the room and a workerd killed and started again on the same
// storage directory. Node's WebSocket (Node 20: --experimental-websocket).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkerd, newStorageDir, joinPeer, unique, inbound, nextFrames, post } from './workerd.mjs';

const { resume, ack, msg, gap } = inbound;

let server;
before(async () => {
  server = await startWorkerd();
});
after(async () => {
  await server?.stop();
});

/** Joins the room on `base` and resumes after `after`; resolves once `n` replayed frames came. */
async function resumed(base, room, { client, name, after = 0, n = 0, ms } = {}) {
  const peer = await joinPeer(base, room, { client, name });
  peer.sendJson(resume(after));
  const replay = await nextFrames(peer, n, `${peer.name}: the replay`, ms);
  return { peer, replay };
}

test('the log keeps the last 1000 messages: an older position gets sw.gap, then the 1000 in order', async () => {
  const room = unique('count');
  const sender = await joinPeer(server.url, room, { name: 'sender' });
  const { peer: witness } = await resumed(server.url, room, { name: 'witness' });
  const texts = Array.from({ length: 1005 }, (_, i) => `n${i}`);
  const ids = await post(sender, witness, texts);
  const kept = texts.slice(5).map((t, i) => msg(ids[5 + i], t));
  const { peer: old, replay } = await resumed(server.url, room, { after: ids[1], n: 1001 });
  assert.deepEqual(replay, [gap(ids[1], ids[5]), ...kept]);
  const { peer: fresh, replay: all } = await resumed(server.url, room, { n: 1001 });
  assert.deepEqual(all, [gap(0, ids[5]), ...kept], 'a new client (0) is told too');
  const { peer: onTime, replay: rest } = await resumed(server.url, room, { after: ids[4], n: 1000 });
  assert.deepEqual(rest, kept, 'at the last dropped id: nothing lost, no gap');
  for (const p of [sender, witness, old, fresh, onTime]) await p.close();
});

test('the log keeps at most 1 MiB of data; a message over 256 KiB is sent live and logged as a gap', async () => {
  const room = unique('bytes');
  const sender = await joinPeer(server.url, room, { name: 'sender' });
  const { peer: witness } = await resumed(server.url, room, { name: 'witness' });
  // Each text is logged as a JSON string of 256 KiB (the quotes included).
  const quarter = (c) => c.repeat(256 * 1024 - 2);
  const ids = await post(sender, witness, ['a', 'b', 'c', 'd', 'e'].map(quarter));
  const { peer: reader, replay } = await resumed(server.url, room, { n: 5 });
  assert.deepEqual(replay.map((f) => f.type), ['sw.gap', 'sw.msg', 'sw.msg', 'sw.msg', 'sw.msg']);
  assert.deepEqual(replay[0], gap(0, ids[1]), 'the oldest went: 5 of them are over 1 MiB');
  assert.deepEqual(replay.slice(1).map((f) => [f.id, f.data[0], f.data.length]), ids.slice(1).map((id, i) => [id, 'bcde'[i], 256 * 1024 - 2]));
  // One byte over the entry limit: delivered live in full, then a gap.
  const long = 'L'.repeat(256 * 1024 - 1);
  sender.send(long);
  sender.send('after the long one');
  const live = await nextFrames(witness, 2, 'the long message live, then the next');
  assert.deepEqual(live, [msg(ids[4] + 1, long), msg(ids[4] + 2, 'after the long one')]);
  assert.deepEqual(await nextFrames(reader, 2, 'the same, live, to the other reader'), live);
  const { peer: late, replay: again } = await resumed(server.url, room, { after: ids[4], n: 2 });
  assert.deepEqual(again, [gap(ids[4], ids[4] + 2), msg(ids[4] + 2, 'after the long one')]);
  for (const p of [sender, witness, reader, late]) await p.close();
});

test('the log and the acks survive workerd killed and started again on the same storage', async (t) => {
  const dir = newStorageDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let wd = await startWorkerd({ storageDir: dir });
  t.after(() => wd.stop());
  const room = unique('restart');
  const client = unique('acker');
  const sender = await joinPeer(wd.url, room, { name: 'sender' });
  const { peer: first } = await resumed(wd.url, room, { client, name: 'first' });
  const ids = await post(sender, first, ['a', 'b', 'c']);
  first.sendJson(ack(ids[1]));
  // A reliable message after the ack: its answer comes once the ack is
  // recorded (one socket's frames are handled in order).
  first.sendJson({ type: 'sw.msg', id: 1, data: 'own' });
  assert.equal(await first.next('ack of the reliable message'), '{"type":"sw.ack","id":1}');
  assert.equal(await sender.next('the reliable message, plain'), 'own');

  // No close reaches the room: only the ack says what the client handled.
  const killed = await wd.stop({ signal: 'SIGKILL' });
  assert.equal(killed.signal, 'SIGKILL');
  wd = await startWorkerd({ storageDir: dir });
  t.diagnostic(`workerd started again on the same storage in ${wd.startMs.toFixed(0)} ms`);
  // The client lost its position (0): up to its ack is dup; its own message
  // (ids[2] + 1) is left out.
  const { peer: again, replay } = await resumed(wd.url, room, { client, name: 'again', n: 3 });
  assert.deepEqual(replay, [msg(ids[0], 'a', true), msg(ids[1], 'b', true), msg(ids[2], 'c')]);
  // Another client gets everything; the ids go on after the restart.
  const { peer: other, replay: all } = await resumed(wd.url, room, { name: 'other', n: 4 });
  assert.deepEqual(all, [msg(ids[0], 'a'), msg(ids[1], 'b'), msg(ids[2], 'c'), msg(ids[2] + 1, 'own')]);
  const sender2 = await joinPeer(wd.url, room, { name: 'sender after the restart' });
  assert.deepEqual(await post(sender2, other, ['d']), [ids[2] + 2]);
  assert.deepEqual(await nextFrames(again, 1, 'd live'), [msg(ids[2] + 2, 'd')]);
  for (const p of [again, other, sender2]) await p.close();
});

test('an evicted room keeps its log, what it sent to each client, and its resumed sockets', async () => {
  // workerd evicts an object 10 s after its last event, hibernating sockets
  // or not; its storage is on disk, so the next object finds the log (in
  // memory, it was lost), and each socket's attachment says it resumed.
  const room = unique('evict');
  const client = unique('reader');
  const sender = await joinPeer(server.url, room, { name: 'sender' });
  const { peer: reader } = await resumed(server.url, room, { client, name: 'reader' });
  const { peer: stay } = await resumed(server.url, room, { client: unique('stay'), name: 'stay' });
  const ids = await post(sender, reader, ['before 1', 'before 2']);
  assert.deepEqual(await nextFrames(stay, 2, 'the two, live'), [msg(ids[0], 'before 1'), msg(ids[1], 'before 2')]);
  await reader.close();
  await sender.close();
  await sleep(11_000);
  const { peer: back, replay } = await resumed(server.url, room, { client, name: 'back', n: 2 });
  assert.deepEqual(replay, [msg(ids[0], 'before 1', true), msg(ids[1], 'before 2', true)]);
  // The socket that stayed open through the eviction still gets sw.msg, and
  // not its own.
  stay.send('from the one that stayed');
  assert.deepEqual(await nextFrames(back, 1, 'its message'), [msg(ids[1] + 1, 'from the one that stayed')]);
  const sender2 = await joinPeer(server.url, room, { name: 'sender again' });
  assert.deepEqual(await post(sender2, back, ['after']), [ids[1] + 2]);
  assert.deepEqual(await nextFrames(stay, 1, 'the new message, live'), [msg(ids[1] + 2, 'after')]);
  await stay.quiet('nothing else: not its own message');
  for (const p of [back, sender2, stay]) await p.close();
});
