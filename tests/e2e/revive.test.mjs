// Revival after the worker was stopped: the outbox through a server outage,
// a corrupt snapshot, and a close() that must be remembered. The worker is
// stopped with CDP from a page session and watched from the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, startServer, watchWorker, until, sleep, storageGet, queueAndStop, assertRevived } from './harness.mjs';

const status = async (env, page) => (await env.ask(page, { swWebSocket: 'status' })).status;

test('50 messages sent while the server is down arrive in order after a worker stop, revived by the alarm', { timeout: 120_000 }, async (t) => {
  const { server: first, env } = await setup(t);
  let server = first;
  const watch = await watchWorker(env);
  const page = await env.page('popup.html');
  const url = `${server.url}?tag=down`;
  const options = { backoffBaseMs: 500, backoffMaxMs: 2000, watchdogMs: 3000 };
  assert.equal((await env.ask(page, { swWebSocket: 'connect', url, options })).ok, true);
  await until('open', async () => (await status(env, page)).state === 'open');

  server.kill();
  await until('the worker to notice', async () => (await status(env, page)).state !== 'open');
  await queueAndStop(env, page, watch, Array.from({ length: 50 }, (_, i) => `down-${i}`));

  server = await startServer(['--port', String(server.port)]);
  t.after(() => server.stop());
  const conn = await until('the 50 messages', async () => {
    const c = (await server.stats('down')).perConnection.find((r) => r.lastTexts.length >= 50);
    return c;
  }, 30_000, 250);
  assert.deepEqual(conn.lastTexts, Array.from({ length: 50 }, (_, i) => `down-${i}`));
  await assertRevived(t, env);
  await watch.close();
});

test('a corrupt snapshot gives an error event and a working socket, not a dead worker', { timeout: 60_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);
  const page = await env.page('popup.html');
  assert.equal((await env.ask(page, { swWebSocket: 'connect', url: `${server.url}?tag=corrupt` })).ok, true);
  await until('open', async () => (await status(env, page)).state === 'open');
  await page.evaluate(() => chrome.storage.local.set({ 'sw-websocket': { version: 99, junk: [1, 2, 3] } }));
  await watch.stopWorker();

  const s = await status(env, page); // wakes the worker
  assert.equal(s.lastError?.kind, 'corrupt_snapshot', JSON.stringify(s));
  assert.equal(s.state, 'idle');
  const quarantined = await storageGet(page, 'sw-websocket:quarantine');
  assert.equal(quarantined.value.version, 99);
  assert.match(quarantined.why, /unknown version 99/);
  await until('a fresh snapshot', async () => (await storageGet(page, 'sw-websocket'))?.version === 5);

  assert.equal((await env.ask(page, { swWebSocket: 'connect', url: `${server.url}?tag=corrupt-after` })).ok, true);
  await until('open again', async () => (await status(env, page)).state === 'open');
  assert.equal((await env.ask(page, { swWebSocket: 'send', data: 'still alive' })).ok, true);
  await until('the echo', async () =>
    (await env.ask(page, { swWebSocket: 'received' })).messages.some((m) => m.data === 'still alive'));
  await watch.close();
});

test("the caller's close() is remembered: after a worker stop nothing reconnects", { timeout: 60_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);
  const page = await env.page('popup.html');
  const options = { watchdogMs: 2000 };
  assert.equal((await env.ask(page, { swWebSocket: 'connect', url: `${server.url}?tag=closed`, options })).ok, true);
  await until('open', async () => (await status(env, page)).state === 'open');
  assert.ok(await page.evaluate(() => chrome.alarms.get('sw-websocket:watchdog')), 'the watchdog is set while open');
  assert.equal((await env.ask(page, { swWebSocket: 'close', code: 4000, reason: 'done' })).ok, true);
  await until('closed', async () => (await status(env, page)).state === 'closed');
  await until('the watchdog cleared', async () => !(await page.evaluate(() => chrome.alarms.get('sw-websocket:watchdog'))));
  await page.close();
  await watch.stopWorker();

  await sleep(8_000); // four watchdog periods, had it still been there
  const stats = await server.stats('closed');
  assert.equal(stats.connections, 1, 'no new connection');
  assert.equal(stats.perConnection[0].closeCode, 4000);
  const again = await env.page('popup.html');
  const s = await status(env, again);
  assert.equal(s.state, 'closed');
  assert.equal(s.intent, 'closed');
  await sleep(1_000);
  assert.equal((await server.stats('closed')).connections, 1, 'waking the worker does not reconnect either');
  t.diagnostic(`after the stop: state ${s.state}, intent ${s.intent}, workerStarts ${s.workerStarts}`);
  await watch.close();
});
