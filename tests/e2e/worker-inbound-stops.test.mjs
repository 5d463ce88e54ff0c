// The extension's reliableInbound against the real Workers runtime (the
// Cloudflare Worker example under workerd, its rooms on disk): one browser
// profile is stopped while another sends 20 messages to the room; when it
// comes back it handles all 20, once each, in order. The same again after
// the room's Durable Object was evicted while nobody was connected to it but
// the sender (10 s without an event). Nothing attaches to the reader's worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchWorker, until, sleep, assertNotAttached } from './harness.mjs';
import { startWorkerd } from './workerd.mjs';

const heartbeat = { heartbeatReply: 'pong', heartbeatTimeoutMs: 5000 };
const status = async (env, page) => (await env.ask(page, { swWebSocket: 'status' })).status;
const texts = async (env, page) => (await env.ask(page, { swWebSocket: 'received', limit: 50 })).messages.map((m) => m.data);

test('Worker, reliableInbound: a stopped profile handles the 20 messages sent meanwhile, once each, also after an eviction', { timeout: 240_000 }, async (t) => {
  const wd = await startWorkerd();
  t.after(() => wd.stop());
  const [reader, writer] = await Promise.all([launch(), launch()]);
  t.after(async () => { await reader.close(); await writer.close(); });
  // No watchdog: the reader comes back when its page asks (a deterministic
  // moment, so that the room can be left alone long enough to be evicted).
  const options = { reliableInbound: true, watchdog: false, ...heartbeat };
  let page = await reader.page('popup.html');
  assert.deepEqual(await reader.ask(page, { swWebSocket: 'connect', url: `${wd.url}/ws/inbound?client=reader`, options }), { ok: true });
  await until('the reader open', async () => (await status(reader, page)).state === 'open');
  const wpage = await writer.page('popup.html');
  assert.deepEqual(await writer.ask(wpage, { swWebSocket: 'connect', url: `${wd.url}/ws/inbound?client=writer`, options: heartbeat }), { ok: true });
  await until('the writer open', async () => (await status(writer, wpage)).state === 'open');
  const watch = await watchWorker(reader);
  await page.close();

  const expected = [];
  for (const [round, evict] of [['plain', false], ['evicted', true]]) {
    await watch.stopWorker();
    await assertNotAttached(reader).catch(() => {}); // the target may be gone: stopped
    for (let i = 1; i <= 20; i++) {
      const reply = await writer.ask(wpage, { swWebSocket: 'send', data: `${round}-${i}` });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      expected.push(`${round}-${i}`);
    }
    if (evict) await sleep(11_000); // workerd evicts an object 10 s after its last event
    page = await reader.page('popup.html'); // wakes the reader: resume, reconnect, replay
    await until(`the ${round} round handled`, async () => (await status(reader, page)).inboundHandled > 0
      && (await texts(reader, page)).length === expected.length, 20_000, 250);
    const got = await texts(reader, page);
    assert.deepEqual(got, expected, `${round}: each message once, in order`);
    // The history is written after pauses (README, Pages): stop once it holds the round.
    await until(`the ${round} round in the stored history`, async () => {
      const key = 'sw-websocket:history';
      const stored = (await page.evaluate((k) => chrome.storage.session.get(k), key))[key];
      return stored?.entries?.at(-1)?.data === expected.at(-1);
    }, 10_000, 100);
    await page.close();
  }
  page = await reader.page('popup.html');
  const s = await status(reader, page);
  t.diagnostic(`reader: inboundHandled ${s.inboundHandled}, workerStarts ${s.workerStarts}, connects ${s.connects}, received ${s.received}`);
  assert.ok(s.workerStarts >= 3);
});
