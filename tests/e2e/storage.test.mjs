// Storage faults: chrome.storage.local filled to its quota while messages are
// queued. A send that cannot be stored must reject with `storage` and leave
// the outbox as it was; nothing that was accepted may be lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, startServer, until } from './harness.mjs';

const status = async (env, page) => (await env.ask(page, { swWebSocket: 'status' })).status;

/** Fills chrome.storage.local up to its quota with one key; returns the bytes left. */
async function fill(page) {
  return page.evaluate(async () => {
    const area = chrome.storage.local;
    let size = area.QUOTA_BYTES - (await area.getBytesInUse(null)) - 64;
    for (;;) {
      try {
        await area.set({ filler: 'x'.repeat(size) });
        break;
      } catch {
        size -= 256;
      }
    }
    return area.QUOTA_BYTES - (await area.getBytesInUse(null));
  });
}

test('a full chrome.storage.local rejects queued sends with `storage`, and loses none that were accepted', { timeout: 90_000 }, async (t) => {
  const { server: first, env } = await setup(t);
  let server = first;
  const page = await env.page('popup.html');
  const url = `${server.url}?tag=quota`;
  const options = { backoffBaseMs: 200, backoffMaxMs: 500 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url, options }), { ok: true });
  await until('open', async () => (await status(env, page)).state === 'open');
  server.kill();
  await until('not open', async () => (await status(env, page)).state !== 'open');

  for (const data of ['kept-1', 'kept-2', 'kept-3']) {
    const reply = await env.ask(page, { swWebSocket: 'send', data });
    assert.equal(reply.queued, true, JSON.stringify(reply));
  }
  const left = await fill(page);
  t.diagnostic(`chrome.storage.local filled: ${left} bytes left`);
  const refused = await env.ask(page, { swWebSocket: 'send', data: 'y'.repeat(1000) });
  assert.equal(refused.ok, false, JSON.stringify(refused));
  assert.equal(refused.error.kind, 'storage');
  t.diagnostic(`the refused send: ${refused.error.message}`);
  const outbox = (await env.ask(page, { swWebSocket: 'outbox' })).outbox;
  assert.equal(outbox.length, 3, 'the refused message was taken back out of the outbox');
  const s = await status(env, page);
  assert.equal(s.outbox, 3);

  await page.evaluate(() => chrome.storage.local.remove('filler'));
  const accepted = await env.ask(page, { swWebSocket: 'send', data: 'after-room' });
  assert.equal(accepted.queued, true, JSON.stringify(accepted));

  server = await startServer(['--port', String(server.port)]);
  t.after(() => server.stop());
  const conn = await until('the queued messages', async () =>
    (await server.stats('quota')).perConnection.find((c) => c.lastTexts.length >= 4), 30_000, 250);
  assert.deepEqual(conn.lastTexts, ['kept-1', 'kept-2', 'kept-3', 'after-room']);
});
