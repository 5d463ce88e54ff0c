// The extension against the real Workers runtime: the Cloudflare Worker of
// examples/cloudflare-worker run by workerd. The Worker keeps no stats, so a
// plain WebSocket client in the same room is the witness: it sees what the
// extension sends, and nothing else. Nothing attaches to the extension's worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchWorker, until, sleep, connectAndLeave, assertNotAttached, queueAndStop, assertRevived, sendGroups } from './harness.mjs';
import { startWorkerd } from './workerd.mjs';
import { joinRoom, proxy } from './room.mjs';

// The Worker answers the keepalive with "pong" (a WebSocket auto-response):
// with it as the heartbeat reply, a keepalive left unanswered reconnects.
const heartbeat = { heartbeatReply: 'pong', heartbeatTimeoutMs: 5000 };
const status = async (env, page) => (await env.ask(page, { swWebSocket: 'status' })).status;
const texts = async (env, page) => (await env.ask(page, { swWebSocket: 'received', limit: 50 })).messages.map((m) => m.data);

async function worker(t) {
  const wd = await startWorkerd();
  t.after(() => wd.stop());
  return wd;
}

async function browser(t) {
  const env = await launch();
  t.after(() => env.close());
  return env;
}

test('Worker: two browser profiles in one room see each other, a third in another room sees neither', { timeout: 90_000 }, async (t) => {
  const wd = await worker(t);
  const profiles = await Promise.all([browser(t), browser(t), browser(t)]);
  const join = async (env, room, client) => {
    const page = await env.page('popup.html');
    const url = `${wd.url}/ws/${room}?client=${client}`;
    assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url, options: heartbeat }), { ok: true });
    await until(`${client} open`, async () => (await status(env, page)).state === 'open');
    return { env, page };
  };
  const alice = await join(profiles[0], 'lobby', 'alice');
  const bob = await join(profiles[1], 'lobby', 'bob');
  const carol = await join(profiles[2], 'elsewhere', 'carol');

  assert.equal((await alice.env.ask(alice.page, { swWebSocket: 'send', data: 'hello from alice' })).ok, true);
  assert.equal((await bob.env.ask(bob.page, { swWebSocket: 'send', data: 'hello from bob', reliable: true })).ok, true);
  assert.equal((await carol.env.ask(carol.page, { swWebSocket: 'send', data: 'carol, alone' })).ok, true);
  await until('bob to hear alice', async () => (await texts(bob.env, bob.page)).includes('hello from alice'));
  await until('alice to hear bob (sent reliable)', async () => (await texts(alice.env, alice.page)).includes('hello from bob'));
  await sleep(1000); // time for anything misrouted to arrive
  assert.deepEqual(await texts(alice.env, alice.page), ['hello from bob'], 'alice gets bob only, not her own');
  assert.deepEqual(await texts(bob.env, bob.page), ['hello from alice'], 'bob gets alice only');
  assert.deepEqual(await texts(carol.env, carol.page), [], 'the other room hears nothing');
  const acked = await status(bob.env, bob.page);
  assert.equal(acked.outbox, 0, 'the Worker acknowledged the reliable message');
});

test('Worker: the keepalive and its pong keep the worker alive and connected through 45 s of silence', { timeout: 120_000 }, async (t) => {
  const wd = await worker(t);
  const env = await browser(t);
  const watch = await watchWorker(env);
  const room = await joinRoom(`${wd.url}/ws/quiet?client=witness`);
  t.after(() => room.close());

  await connectAndLeave(env, `${wd.url}/ws/quiet?client=demo`, heartbeat);
  await assertNotAttached(env);
  await sleep(45_000);
  await assertNotAttached(env);
  assert.equal(watch.status(), 'running', 'the worker outlived the 30 s idle limit');
  assert.equal(watch.stops(), 0);
  assert.deepEqual(room.messages, [], 'keepalives are answered, not broadcast');

  room.send('are you there?');
  const page = await env.page('popup.html');
  await until('the room message', async () => (await texts(env, page)).includes('are you there?'));
  const s = await status(env, page);
  t.diagnostic(`after 45 s: keepalives ${s.keepalives}, connects ${s.connects}, workerStarts ${s.workerStarts}, lastError ${s.lastError?.kind}`);
  assert.equal(s.state, 'open');
  assert.equal(s.connects, 1, 'every keepalive got its pong: no reconnect');
  assert.equal(s.workerStarts, 1, 'the same worker instance all along');
  assert.ok(s.keepalives >= 2, `keepalives sent: ${s.keepalives}`);
  await watch.close();
});

test('Worker: 100 reliable messages reach the room once each, in order, across 5 worker stops', { timeout: 180_000 }, async (t) => {
  const wd = await worker(t);
  const env = await browser(t);
  const watch = await watchWorker(env);
  const room = await joinRoom(`${wd.url}/ws/relay?client=witness`);
  t.after(() => room.close());
  const page = await env.page('popup.html');
  const options = { ...heartbeat, reliable: true, backoffBaseMs: 200, backoffMaxMs: 1000, watchdogMs: 3000 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url: `${wd.url}/ws/relay?client=demo`, options }), { ok: true });

  for (let chunk = 0; chunk < 5; chunk++) {
    await sendGroups(page, { prefix: 'r', from: chunk * 20, groups: 4, size: 5, gapMs: 40 });
    await watch.stopWorker();
  }
  const expected = Array.from({ length: 100 }, (_, i) => `r${i}`);
  await env.ask(page, { swWebSocket: 'status' }); // wake it once more
  await room.received(expected, 60_000);
  await sleep(1000); // time for a duplicate to show
  assert.deepEqual(room.messages, expected, 'each message once, in order');
  const s = await until('the outbox to empty', async () => {
    const st = await status(env, page);
    return st.outbox === 0 && st;
  }, 15_000);
  t.diagnostic(`after ${watch.stops()} stops: workerStarts ${s.workerStarts}, connects ${s.connects}, reconnects ${s.reconnects}`);
  assert.ok(watch.stops() >= 5, `5 stops seen: ${watch.stops()}`);
  assert.ok(s.workerStarts >= 6, `one worker start per life: ${s.workerStarts}`);
  await watch.close();
});

test('Worker: 50 messages sent while the Worker is out of reach arrive in order after a worker stop, revived by the alarm', { timeout: 120_000 }, async (t) => {
  const wd = await worker(t);
  const link = await proxy(wd.port);
  t.after(() => link.close());
  const env = await browser(t);
  const watch = await watchWorker(env);
  const room = await joinRoom(`${wd.url}/ws/outage?client=witness`);
  t.after(() => room.close());
  const page = await env.page('popup.html');
  const url = `ws://127.0.0.1:${link.port}/ws/outage?client=demo`;
  const options = { ...heartbeat, backoffBaseMs: 500, backoffMaxMs: 2000, watchdogMs: 3000 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url, options }), { ok: true });
  await until('open', async () => (await status(env, page)).state === 'open');

  await link.cut();
  await until('the worker to notice', async () => (await status(env, page)).state !== 'open');
  const sent = Array.from({ length: 50 }, (_, i) => `down-${i}`);
  await queueAndStop(env, page, watch, sent);
  assert.deepEqual(room.messages, [], 'nothing got through the cut');

  await link.restore();
  await room.received(sent, 30_000);
  await sleep(1000); // time for a duplicate to show
  assert.deepEqual(room.messages, sent);
  await assertRevived(t, env);
  await watch.close();
});
