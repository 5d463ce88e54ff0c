// The Cloudflare Worker example (examples/cloudflare-worker) under workerd:
// routing, room broadcast, the keepalive auto-response, reliable mode with
// dedup across reconnects, and a room that hibernates. Node's own WebSocket
// client (Node 20: `--experimental-websocket`, which build.sh passes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkerd } from './workerd.mjs';
import { Peer } from './peer.mjs';

let server;
before(async (t) => {
  server = await startWorkerd();
  Peer.base = server.url;
});
after(async (t) => {
  await server?.stop();
});

/** A name no other test uses (rooms and client ids outlive a test in workerd). */
const unique = (prefix) => `${prefix}-${randomBytes(6).toString('hex')}`;

const msg = (id, data, dup = false) => ({ type: 'sw.msg', id, dup, data });
const ack = (id) => JSON.stringify({ type: 'sw.ack', id });

/** A GET with an upgrade to WebSocket, by hand: the status and body of a refusal. */
function upgradeAttempt(path, ms = 3_000) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.httpUrl}${path}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
      },
      timeout: ms,
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to the upgrade of ${path} in ${ms} ms`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.end();
  });
}

async function get(path) {
  const response = await fetch(`${server.httpUrl}${path}`, { signal: AbortSignal.timeout(3_000) });
  return { status: response.status, body: await response.text() };
}

test('plain requests: 426 without an upgrade, 400 for a bad client id, 404 elsewhere', async (t) => {
  t.diagnostic(`workerd listened ${server.startMs.toFixed(0)} ms after spawn, on port ${server.port}`);
  assert.deepEqual(await get('/ws/lobby'), { status: 426, body: 'Expected Upgrade: websocket' });
  assert.deepEqual(await get('/ws/lobby?client=ok-id_1'), {
    status: 426,
    body: 'Expected Upgrade: websocket',
  });
  for (const bad of ['', 'a.b', 'a%41', 'x'.repeat(65), 'a&client=b']) {
    const { status } = await get(`/ws/lobby?client=${bad}`);
    assert.equal(status, 400, `client=${bad}`);
  }
  for (const path of ['/', '/ws', '/ws/', '/ws/a/b', '/stats', '/ws/a%20b']) {
    assert.deepEqual(await get(path), { status: 404, body: 'Not Found' }, path);
  }
});

test('an upgrade with a bad client id gets 400 and no socket; to an unknown path, 404', async () => {
  const refused = await upgradeAttempt('/ws/lobby?client=no!');
  assert.equal(refused.status, 400);
  assert.match(refused.body, /^Bad client id/);
  assert.equal((await upgradeAttempt('/nope')).status, 404);
  assert.equal((await upgradeAttempt('/ws/lobby?client=fine')).status, 101);
  await assert.rejects(Peer.open('lobby', { client: 'no!' }), /failed to open|closed before it opened/);
});

test('a text message reaches the other sockets of its room, not the sender or another room', async () => {
  const room = unique('room');
  const a1 = await Peer.open(room, { name: 'a1' });
  const a2 = await Peer.open(room, { name: 'a2' });
  const a3 = await Peer.open(room, { name: 'a3', client: unique('c') });
  const b = await Peer.open(unique('other'), { name: 'b' });
  a1.send('hello from a1');
  assert.equal(await a2.next('a1 text'), 'hello from a1');
  assert.equal(await a3.next('a1 text'), 'hello from a1');
  a2.send('{"type":"chat","text":"json is just text"}');
  assert.equal(await a1.next('a2 text'), '{"type":"chat","text":"json is just text"}');
  assert.equal(await a3.next('a2 text'), '{"type":"chat","text":"json is just text"}');
  await a1.quiet('the sender gets nothing back');
  await a2.quiet('the sender gets nothing back');
  await b.quiet('another room gets nothing');
  for (const p of [a1, a2, a3, b]) await p.close();
});

test('a binary message is broadcast byte for byte', async () => {
  const room = unique('bin');
  const a1 = await Peer.open(room, { name: 'a1' });
  const a2 = await Peer.open(room, { name: 'a2' });
  const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
  a1.send(bytes);
  assert.deepEqual(await a2.next('binary'), bytes);
  const big = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
  a2.send(big);
  assert.deepEqual(await a1.next('200 000 bytes'), big);
  await a1.quiet('nothing else');
  await a2.quiet('its own message does not come back');
  await a1.close();
  await a2.close();
});

test('the keepalive is answered with pong and not broadcast; an auth frame is not broadcast', async () => {
  const room = unique('ka');
  const a1 = await Peer.open(room, { name: 'a1' });
  const a2 = await Peer.open(room, { name: 'a2' });
  a1.send('keep alive');
  assert.equal(await a1.next('the keepalive reply'), 'pong');
  a1.send('keep alive');
  assert.equal(await a1.next('the second keepalive reply'), 'pong');
  a1.sendJson({ type: 'sw.auth', token: 'secret' });
  await a2.quiet('neither the keepalive nor the token reaches the others');
  await a1.quiet('nothing else for the sender');
  // Only the exact text is the keepalive.
  a1.send('keep alive!');
  assert.equal(await a2.next('a near-keepalive is an app message'), 'keep alive!');
  await a1.close();
  await a2.close();
});

test('reliable: each id is acked, delivered once, and not again after a reconnect with the same client', async () => {
  const room = unique('rel');
  const client = unique('c');
  const receiver = await Peer.open(room, { name: 'receiver' });
  let sender = await Peer.open(room, { name: 'sender', client });
  sender.sendJson(msg(1, 'one'));
  assert.equal(await sender.next('ack 1'), ack(1));
  assert.equal(await receiver.next('data 1'), 'one');
  // Data that is not a string is delivered as the JSON text the client wrote.
  sender.send('{"type":"sw.msg","id":2,"dup":false,"data":{"k":[1, 2],"a":"é"}}');
  assert.equal(await sender.next('ack 2'), ack(2));
  assert.equal(await receiver.next('data 2'), '{"k":[1, 2],"a":"é"}');
  // A resend on the same connection: acked, not delivered.
  sender.sendJson(msg(2, { k: [1, 2] }, true));
  assert.equal(await sender.next('ack of the resent 2'), ack(2));
  await receiver.quiet('a resend on the same connection is not delivered');

  // The connection goes; the client reconnects and resends from its oldest
  // unacked id (here: as if the ack of 2 had been lost), then goes on.
  await sender.close();
  sender = await Peer.open(room, { name: 'sender again', client });
  sender.sendJson(msg(1, 'one', true));
  sender.sendJson(msg(2, { k: [1, 2] }, true));
  assert.equal(await sender.next('ack 1 after the reconnect'), ack(1));
  assert.equal(await sender.next('ack 2 after the reconnect'), ack(2));
  await receiver.quiet('resends after a reconnect are not delivered twice');
  sender.sendJson(msg(3, 'three'));
  assert.equal(await sender.next('ack 3'), ack(3));
  assert.equal(await receiver.next('data 3'), 'three');
  // No data for the sender itself, only acks.
  await sender.quiet('the sender gets only acks');
  await receiver.quiet('nothing else');

  // Another client's ids are its own.
  const other = await Peer.open(room, { name: 'other', client: unique('c') });
  other.sendJson(msg(1, 'another one'));
  assert.equal(await other.next('ack 1 of the other client'), ack(1));
  assert.equal(await receiver.next('the other client\'s 1'), 'another one');
  assert.equal(await sender.next('the other client\'s 1'), 'another one');
  for (const p of [sender, receiver, other]) await p.close();
});

test('reliable without a client id: dedup per connection only', async () => {
  const room = unique('anon');
  const receiver = await Peer.open(room, { name: 'receiver' });
  let sender = await Peer.open(room, { name: 'sender' });
  sender.sendJson(msg(5, 'five'));
  assert.equal(await sender.next('ack 5'), ack(5));
  assert.equal(await receiver.next('data 5'), 'five');
  sender.sendJson(msg(5, 'five', true));
  sender.sendJson(msg(4, 'four'));
  assert.equal(await sender.next('ack of the resent 5'), ack(5));
  assert.equal(await sender.next('ack 4'), ack(4));
  await receiver.quiet('ids at or below the highest delivered one are not delivered');
  await sender.close();
  // A new connection without a client id starts afresh.
  sender = await Peer.open(room, { name: 'new sender' });
  sender.sendJson(msg(5, 'five', true));
  assert.equal(await sender.next('ack 5 on the new connection'), ack(5));
  assert.equal(await receiver.next('data 5 again'), 'five');
  await sender.close();
  await receiver.close();
});

test('a malformed sw.msg closes the socket with 1008 "bad sw.msg" and is not delivered', async () => {
  const room = unique('bad');
  const receiver = await Peer.open(room, { name: 'receiver' });
  for (const bad of [
    '{"type":"sw.msg","data":"no id"}',
    '{"type":"sw.msg","id":"1","data":1}',
    '{"type":"sw.msg","id":1.5,"data":1}',
    '{"type":"sw.msg","id":1,"dup":"yes","data":1}',
  ]) {
    const sender = await Peer.open(room, { name: `sender of ${bad}` });
    sender.send(bad);
    assert.deepEqual(await sender.closed(), { code: 1008, reason: 'bad sw.msg' }, bad);
    assert.deepEqual(sender.messages, [], `no answer to ${bad}`);
  }
  await receiver.quiet('a malformed frame is not broadcast');
  // Not JSON, or not of type sw.msg: an app message.
  const sender = await Peer.open(room, { name: 'sender' });
  sender.send('{"type":"sw.msg","id":1');
  assert.equal(await receiver.next('broken JSON is app text'), '{"type":"sw.msg","id":1');
  await sender.close();
  await receiver.close();
});

test('a room that hibernates: the keepalive is answered while it sleeps, sockets and their state survive', async () => {
  // workerd evicts an object after 10 s without events; sockets accepted with
  // the hibernation API stay open and the keepalive auto-response does not
  // wake it. Its storage is on disk (workerd.capnp), so the per-client dedup
  // state survives too.
  const room = unique('sleep');
  const client = unique('c');
  const a = await Peer.open(room, { name: 'a' });
  const b = await Peer.open(room, { name: 'b' });
  a.sendJson(msg(7, 'seven'));
  assert.equal(await a.next('ack 7'), ack(7));
  assert.equal(await b.next('data 7'), 'seven');
  let c = await Peer.open(room, { name: 'c', client });
  c.sendJson(msg(3, 'three'));
  assert.equal(await c.next('ack 3'), ack(3));
  assert.equal(await a.next('data 3'), 'three');
  assert.equal(await b.next('data 3'), 'three');
  await c.close();
  await sleep(11_000);
  // The client's highest delivered id is in storage: its resend is acked
  // and not delivered again.
  c = await Peer.open(room, { name: 'c again', client });
  c.sendJson(msg(3, 'three', true));
  assert.equal(await c.next('ack of the resent 3'), ack(3));
  await c.close();
  a.send('keep alive');
  assert.equal(await a.next('the keepalive reply from the sleeping room'), 'pong');
  // The connection's dedup state is in its attachment.
  a.sendJson(msg(7, 'seven', true));
  assert.equal(await a.next('ack of the resent 7'), ack(7));
  a.sendJson(msg(8, 'eight'));
  assert.equal(await a.next('ack 8'), ack(8));
  assert.equal(await b.next('data 8 (not 7 again)'), 'eight');
  b.send('still here');
  assert.equal(await a.next('b text after the sleep'), 'still here');
  await b.quiet('the sender is still told apart after the sleep');
  await a.quiet('the resent 3 was not delivered');
  await a.close();
  await b.close();
});
