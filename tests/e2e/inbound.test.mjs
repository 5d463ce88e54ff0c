// Reliable inbound delivery (reliableInbound) in Chromium, watched from
// outside the worker: a copy of the demo whose worker handles each server
// message with waitUntil and logs it in chrome.storage.local (one key per
// entry, so a stop loses none that finished). The test server stores the
// pushes (reliable=1) and counts acks; the worker is stopped with CDP and
// comes back by its alarm alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, startServer, until, watchWorker, assertNotAttached, EXTENSION_DIR } from './harness.mjs';

/** The worker: start() with reliableInbound, a handler that logs start and end of each message. */
function worker(url, delayMs) {
  const options = { reliableInbound: true, watchdogMs: 3000, backoffBaseMs: 200, backoffMaxMs: 1000 };
  return `import { start } from './pkg/worker.js';
const LIFE = Date.now();
let entry = 0;
const log = (fields) => chrome.storage.local.set({ [\`log:\${LIFE}:\${String(entry++).padStart(6, '0')}\`]: { life: LIFE, ...fields } });
const socket = start({ storageKey: 'sw-websocket', url: ${JSON.stringify(url)}, options: ${JSON.stringify(options)}, commands: true });
socket.addEventListener('error', (event) => log({ error: event.error.kind }));
socket.addEventListener('message', (event) => {
  if (event.id === undefined) return;
  if (event.data === 'throw') throw new Error('a listener that throws');
  event.waitUntil((async () => {
    await log({ id: event.id, data: event.data, dup: event.dup, at: 'start' });
    if (${delayMs}) await new Promise((resolve) => setTimeout(resolve, ${delayMs}));
    await log({ id: event.id, at: 'end' });
  })());
});
socket.addEventListener('gap', (event) => log({ gap: [event.after, event.next] }));
`;
}

/** The demo with that worker, in a browser, the server, a watch on the worker. */
async function setupInbound(t, tag, { delayMs = 0 } = {}) {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'sw-websocket-inbound-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'service-worker.js'), worker(`${server.url}?tag=${tag}`, delayMs));
  const env = await launch({ extensions: [dir] });
  t.after(async () => { await env.close(); server.stop(); rmSync(dir, { recursive: true, force: true }); });
  const watch = await watchWorker(env);
  const stats = async () => (await server.stats(tag)).inbound;
  await until('resumed', async () => (await stats()).resumes.length >= 1, 15_000);
  const push = (params) => server.control('push', { reliable: 1, tag, ...params });
  return { server, env, watch, stats, push };
}

/** The worker's log, in order: every entry of every life. */
async function readLog(env) {
  const page = await env.page('popup.html');
  const all = await page.evaluate(() => chrome.storage.local.get(null));
  await page.close();
  return Object.keys(all).filter((k) => k.startsWith('log:')).sort().map((k) => all[k]);
}

const ended = (log) => log.filter((e) => e.at === 'end').map((e) => e.id);

test('30 messages pushed while the worker is stopped are handled once each, in order, after its alarm revives it', { timeout: 90_000 }, async (t) => {
  const { env, watch, stats, push } = await setupInbound(t, 'stopped');
  await watch.stopWorker();
  // At once: the alarm (3 s) brings the worker back soon.
  const pushed = await push({ text: 'm', count: 30 });
  assert.deepEqual([pushed.first, pushed.last, pushed.live], [1, 30, 0], 'stored, no one connected');
  await until('all 30 acked', async () => (await stats()).acked === 30, 30_000, 250);
  await assertNotAttached(env);
  const log = await readLog(env);
  assert.deepEqual(ended(log), Array.from({ length: 30 }, (_, i) => i + 1));
  const starts = log.filter((e) => e.at === 'start');
  assert.deepEqual(starts.map((e) => e.data), Array.from({ length: 30 }, (_, i) => `m${i + 1}`));
  t.diagnostic(`resumes ${JSON.stringify((await stats()).resumes)}, ack frames ${(await stats()).ackFrames}`);
});

test('a handler stopped in its middle handles that message again after the revival; none is skipped', { timeout: 120_000 }, async (t) => {
  const { env, watch, stats, push } = await setupInbound(t, 'slow', { delayMs: 10_000 });
  await push({ text: 's', count: 3 });
  // Message 2 has started (message 1 ended and was acked): stop now.
  await until('message 2 started', async () => (await readLog(env)).some((e) => e.id === 2 && e.at === 'start'), 30_000, 250);
  assert.equal((await stats()).acked, 1);
  await watch.stopWorker();
  await assertNotAttached(env);
  await until('all 3 acked', async () => (await stats()).acked === 3, 60_000, 500);
  const log = await readLog(env);
  t.diagnostic(JSON.stringify(log.map((e) => [e.id, e.at, e.dup ?? null])));
  assert.deepEqual(ended(log), [1, 2, 3], 'each ended once, in order');
  const starts = log.filter((e) => e.at === 'start').map((e) => e.id);
  assert.deepEqual(starts, [1, 2, 2, 3], 'message 2 started again after the stop, 1 did not');
  const again = log.filter((e) => e.at === 'start' && e.id === 2)[1];
  assert.equal(again.dup, true, 'the server marks the resend dup');
});

test('1000 messages with 5 worker stops: each handled in order; none handled twice that was acked before a stop', { timeout: 240_000 }, async (t) => {
  const { env, watch, stats, push } = await setupInbound(t, 'many');
  await push({ text: 'n', count: 1000 });
  const ackedAtStops = [];
  for (let stop = 0; stop < 5; stop++) {
    const target = 150 * (stop + 1);
    await until(`about ${target} acked`, async () => (await stats()).acked >= target, 60_000, 100);
    await watch.stopWorker();
    ackedAtStops.push((await stats()).acked);
  }
  await until('all 1000 acked', async () => (await stats()).acked === 1000, 120_000, 500);
  await assertNotAttached(env);
  const log = await readLog(env);
  const lives = [...new Set(log.map((e) => e.life))];
  t.diagnostic(`acked at the stops: ${ackedAtStops.join(', ')}; ${lives.length} worker lives; ${log.length} log entries`);
  // In order, every id from 1 to 1000, each ending at least once.
  const ends = ended(log);
  assert.deepEqual([...new Set(ends)].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i + 1));
  // In id order within each worker life, and each life goes on from where
  // the last one's acks left off (never from before it).
  let lastEnd = 0;
  for (const [index, life] of lives.entries()) {
    const mine = log.filter((e) => e.life === life && e.at === 'end').map((e) => e.id);
    for (let i = 1; i < mine.length; i++) assert.equal(mine[i], mine[i - 1] + 1, `life ${index}: ${mine[i - 1]} then ${mine[i]}`);
    if (index > 0 && mine.length) {
      assert.ok(mine[0] > ackedAtStops[index - 1], `life ${index} starts at ${mine[0]}, at or below the ack ${ackedAtStops[index - 1]}`);
      assert.ok(mine[0] <= lastEnd + 1, `life ${index} starts at ${mine[0]}, after ${lastEnd}: a message skipped`);
    }
    if (mine.length) lastEnd = mine.at(-1);
  }
  // A second handling happens only in a later life, of a message the server had not got an ack for at that stop.
  const firstEnd = new Map();
  for (const e of log.filter((x) => x.at === 'end')) {
    if (!firstEnd.has(e.id)) {
      firstEnd.set(e.id, e.life);
      continue;
    }
    const life = lives.indexOf(e.life);
    assert.ok(life > 0, `message ${e.id} handled twice in one life`);
    assert.ok(e.id > ackedAtStops[life - 1], `message ${e.id} handled again although acked (${ackedAtStops[life - 1]}) before stop ${life}`);
  }
  const twice = ends.length - 1000;
  t.diagnostic(`${twice} messages handled twice (each after a stop, not acked then)`);
});

test('a gap: the server forgot some, the worker gets a gap event and goes on', { timeout: 90_000 }, async (t) => {
  const { env, watch, stats, push, server } = await setupInbound(t, 'gap');
  await watch.stopWorker();
  await push({ text: 'g', count: 5 });
  await server.control('forget', { tag: 'gap', upTo: 3 });
  await until('4 and 5 acked', async () => (await stats()).acked === 5, 30_000, 250);
  const log = await readLog(env);
  assert.deepEqual(log.filter((e) => e.gap).map((e) => e.gap), [[0, 4]]);
  assert.deepEqual(ended(log), [4, 5]);
  assert.equal((await stats()).gaps, 1);
});

test('a listener that throws is an error event, and the message counts as handled', { timeout: 60_000 }, async (t) => {
  const { env, stats, push } = await setupInbound(t, 'throws');
  await push({ text: 'before' });
  await push({ text: 'throw' });
  await push({ text: 'after' });
  await until('all 3 acked', async () => (await stats()).acked === 3, 15_000, 250);
  const log = await readLog(env);
  assert.deepEqual(log.filter((e) => e.error).map((e) => e.error), ['handler_failed']);
  assert.deepEqual(ended(log), [1, 3], 'the one that threw ran no further; the next was handled');
});
