// The id rule in real Chromium: an extension page sends 200 reliable messages
// back to back, each awaited, while the worker is stopped by CDP from a page
// session (never attached to it) at six set points in the stream. A stop lands
// in the middle of a send: after its frame went out and before its write was
// done, say. The server keeps the first message of each id and takes a later
// frame with that id for a resend, as a server that dedups by id does. Every
// send answered ok must reach it with its own data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, watchWorker, until, assertNotAttached } from './harness.mjs';

const MESSAGES = 200;
const STOP_AT = [25, 55, 85, 115, 145, 175];

/** Pairs each id with the data it first arrived with, from the server's record. */
function firstArrivals({ frames, delivered }) {
  const byId = new Map();
  const order = [];
  for (const [id] of frames) {
    if (byId.has(id)) continue;
    byId.set(id, delivered[order.length]);
    order.push(id);
  }
  return { byId, order };
}

test('200 reliable sends with the worker stopped mid-send 6 times: every send answered ok arrives with its own data', { timeout: 180_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);
  const page = await env.page('popup.html');
  const tag = 'reliable-stops';
  const options = { reliable: true, backoffBaseMs: 200, backoffMaxMs: 1000, watchdogMs: 3000 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url: `${server.url}?tag=${tag}`, options }), { ok: true });
  await until('open', async () => (await env.ask(page, { swWebSocket: 'status' })).status.state === 'open');
  // The popup's own status polling is silenced: only the sends reach the worker.
  await page.evaluate(() => { for (let id = 1; id < 1000; id++) clearInterval(id); });
  await assertNotAttached(env);

  // The page sends on its own; the test only reads how far it got.
  await page.evaluate((count) => {
    window.results = [];
    (async () => {
      for (let i = 0; i < count; i++) {
        const data = `r${i}`;
        try {
          const reply = await chrome.runtime.sendMessage({ swWebSocket: 'send', data, reliable: true });
          // No reply at all: the worker stopped before it answered.
          window.results.push({ data, reply: reply ?? { ok: false, error: { kind: 'runtime', message: 'no reply' } } });
        } catch (error) {
          window.results.push({ data, reply: { ok: false, error: { kind: 'runtime', message: String(error.message ?? error) } } });
        }
      }
    })();
  }, MESSAGES);
  const progress = () => page.evaluate(() => window.results.length);
  for (const point of STOP_AT) {
    await until(`${point} sends answered`, async () => (await progress()) >= point, 60_000, 2);
    await watch.stopWorker();
  }
  await until('every send answered', async () => (await progress()) === MESSAGES, 60_000, 50);
  const results = await page.evaluate(() => window.results);

  const ok = results.filter((r) => r.reply.ok);
  const failed = results.filter((r) => !r.reply.ok);
  for (const r of failed) {
    // Only the stops may fail a send: the worker went away while answering.
    assert.match(r.reply.error.message, /message channel closed|Receiving end does not exist|message port closed|no reply/, JSON.stringify(r));
  }
  // Every ok reply names its id: unique and increasing in send order.
  let last = 0;
  for (const { data, reply } of ok) {
    assert.ok(Number.isSafeInteger(reply.id) && reply.id > last, `${data} got id ${reply.id} after ${last}`);
    last = reply.id;
  }

  const wanted = new Set(ok.map((r) => r.data));
  const stats = await until('every send answered ok at the server', async () => {
    const s = await server.stats(tag);
    const have = new Set(s.reliable?.delivered ?? []);
    return [...wanted].every((d) => have.has(d)) && s;
  }, 30_000, 250).catch(async (error) => {
    const s = await server.stats(tag);
    const { byId } = firstArrivals(s.reliable);
    const lost = ok.filter((r) => byId.get(r.reply.id) !== r.data)
      .map((r) => `${r.data} (id ${r.reply.id}, the server has ${JSON.stringify(byId.get(r.reply.id))} under it)`);
    throw new Error(`${lost.length} sends answered ok never arrived: ${lost.join('; ')}`, { cause: error });
  });
  const { byId, order } = firstArrivals(stats.reliable);
  for (const { data, reply } of ok) {
    assert.equal(byId.get(reply.id), data, `id ${reply.id} should carry ${data}`);
  }
  // First arrivals in id order; each data once (no id reused for it either).
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  const arrived = stats.reliable.delivered;
  assert.equal(new Set(arrived).size, arrived.length, 'each message arrived under one id');
  // The moments a stop landed in: a failed send whose frame had already
  // reached the server (its id was on the wire, its write not done).
  const inFlight = failed.filter((r) => arrived.includes(r.data)).length;
  t.diagnostic(`${ok.length} ok, ${failed.length} failed at a stop (${inFlight} of them already on the wire), ` +
    `${watch.stops()} stops, ids up to ${last}, ${stats.connections} connections`);
  assert.ok(watch.stops() >= STOP_AT.length, `${STOP_AT.length} stops seen: ${watch.stops()}`);
  // Else no stop fell between a frame and its write, and this run proved nothing.
  assert.ok(inFlight >= 1, 'no stop landed while a sent frame waited for its write');
    await watch.close();
});
