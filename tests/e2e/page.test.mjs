// sw-websocket/page in the demo extension: pages get the worker's events
// pushed, the recent history first (also after a worker stop), two pages
// at once, and an open page with no traffic lets the worker stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, until, watchWorker, assertNotAttached, sleep } from './harness.mjs';

/**
 * Opens an extension page with a PageSocket that records every event in
 * `window.seen` (`[type, data, history, seq]`).
 */
async function pageWithSocket(env) {
  const page = await env.page('popup.html');
  await page.evaluate(async () => {
    const { PageSocket } = await import('./pkg/page.js');
    window.seen = [];
    window.socket = new PageSocket({ storageKey: 'sw-websocket' });
    for (const type of ['open', 'message', 'close', 'state', 'worker', 'error']) {
      window.socket.addEventListener(type, (e) => window.seen.push([type, e.data ?? e.state ?? e.running ?? e.error?.kind ?? null, e.history ?? false, e.seq ?? null]));
    }
  });
  return page;
}

const seen = (page) => page.evaluate(() => window.seen);
const messages = async (page) => (await seen(page)).filter(([type]) => type === 'message');

test('a page opened after 20 messages gets them first, then live ones; two pages both; the history outlives a worker stop', { timeout: 90_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);
  const driver = await env.page('popup.html');
  assert.deepEqual(await env.ask(driver, { swWebSocket: 'connect', url: `${server.url}?tag=page` }), { ok: true });
  await until('open', async () => (await env.ask(driver, { swWebSocket: 'status' })).status.state === 'open');
  for (let i = 1; i <= 20; i++) await env.ask(driver, { swWebSocket: 'send', data: `m${i}` });
  await until('20 echoes', async () => (await env.ask(driver, { swWebSocket: 'status' })).status.received === 20);

  const first = await pageWithSocket(env);
  await until('the history', async () => (await messages(first)).length === 20);
  const history = await messages(first);
  assert.deepEqual(history.map(([, data]) => data), Array.from({ length: 20 }, (_, i) => `m${i + 1}`));
  assert.ok(history.every(([, , fromHistory]) => fromHistory), 'marked history');
  assert.deepEqual(history.map(([, , , seq]) => seq), Array.from({ length: 20 }, (_, i) => i + 1));
  const firstEvents = await seen(first);
  assert.deepEqual(firstEvents[0], ['worker', true, false, null], 'the worker event first, then the history');

  const second = await pageWithSocket(env);
  await until('the second page\'s history', async () => (await messages(second)).length === 20);
  // A live message, sent from the first page, reaches both.
  assert.deepEqual(await first.evaluate(() => window.socket.send('live')), { queued: false });
  for (const page of [first, second]) {
    await until('the live echo', async () => (await messages(page)).some(([, data, fromHistory]) => data === 'live' && !fromHistory));
  }
  assert.equal(await first.evaluate(() => window.socket.readyState), 1);
  assert.equal(await first.evaluate(() => window.socket.url), `${server.url}?tag=page`);

  // The worker stops: the pages hear it; a page opened afterwards wakes it
  // (its port is an event) and still gets the 21 messages.
  // The history is written after pauses (README, Pages): stop once it holds the live one.
  await until('the history stored', async () =>
    (await driver.evaluate(() => chrome.storage.session.get('sw-websocket:history')))['sw-websocket:history']?.seq === 21);
  await driver.close();
  await watch.stopWorker();
  await until('the pages told', async () => (await seen(first)).some(([type, running]) => type === 'worker' && running === false));
  const third = await pageWithSocket(env);
  await until('the history after the stop', async () => (await messages(third)).length === 21, 15_000)
    .catch(async (error) => { t.diagnostic(JSON.stringify(await seen(third))); t.diagnostic(JSON.stringify(await third.evaluate(() => chrome.storage.session.get(null)))); throw error; });
  assert.deepEqual((await messages(third)).map(([, data]) => data).slice(-2), ['m20', 'live']);
  // The first page connects again when the worker starts, and gets no message twice.
  await until('the first page back', async () => first.evaluate(() => window.socket.workerRunning), 15_000);
  await sleep(500);
  assert.equal((await messages(first)).length, 21, 'no history message twice');
});

test('an open popup with no traffic lets the worker stop 30 s after its last message', { timeout: 120_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);
  const popup = await env.page('popup.html');
  const text = (id) => popup.$eval(`#${id}`, (el) => el.textContent);
  await until('the popup connected to the worker', async () => (await text('worker')) === 'worker running');
  await popup.type('#urlInput', `${server.url}?tag=idle-popup`);
  await popup.click('#connectButton');
  await until('open', async () => (await text('state')) === 'open');
  // The popup's last message: close. From here nothing is sent either way.
  await popup.click('#closeButton');
  await until('closed', async () => (await text('state')) === 'closed');
  const lastMessage = Date.now();
  await assertNotAttached(env);
  const stopsBefore = watch.stops();
  await until('the worker stopped', () => watch.stops() > stopsBefore, 60_000, 250);
  const after = (Date.now() - lastMessage) / 1000;
  t.diagnostic(`the worker stopped ${after.toFixed(1)} s after the popup's last message`);
  assert.ok(after > 25 && after < 45, `stopped after ${after} s`);
  await until('the popup shows it', async () => (await text('worker')) === 'worker stopped');
  assert.equal(await text('state'), 'closed', 'the last state stays shown');
});
