// The socket a restarted worker opens before its module is ready (`openAt`
// in the snapshot, socket.js's openEarly): the engine takes it over, so a
// restart makes one connection, not two, and what the server sent on it
// before the module was ready reaches the app, in order. The server greets
// every connection at once, so the greeting lands on the early socket,
// before the engine took it. The worker is stopped with CDP from a page
// session and watched from the server, never attached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, watchWorker, until, assertNotAttached } from './harness.mjs';

const STARTS = 5;

test('a restarted worker reconnects with one connection, and the greeting the server sent at once is delivered', { timeout: 120_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);
  t.after(() => watch.close());
  let page = await env.page('popup.html');
  const url = `${server.url}?tag=early&greet=hello`;
  assert.equal((await env.ask(page, { swWebSocket: 'connect', url })).ok, true);
  const stats = () => server.stats('early');
  await until('the first greeting', async () =>
    (await env.ask(page, { swWebSocket: 'received' })).messages.some((m) => m.data === 'hello'));

  for (let start = 1; start <= STARTS; start++) {
    await page.close(); // the popup polls: it would keep the worker running
    await watch.stopWorker();
    await until('the connection closed', async () => (await stats()).openNow === 0);
    page = await env.page('popup.html'); // its first message starts the worker
    await until(`open after restart ${start}`, async () =>
      (await env.ask(page, { swWebSocket: 'status' })).status.state === 'open');
    const greeted = await until(`greeting ${start + 1}`, async () => {
      const { messages } = await env.ask(page, { swWebSocket: 'received' });
      const hellos = messages.filter((m) => m.data === 'hello');
      return hellos.length >= start + 1 && hellos;
    });
    assert.equal(greeted.length, start + 1, 'each greeting delivered once');
    // Give a second socket time to show up, if the engine opened one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const s = await stats();
    assert.equal(s.perConnection.length, start + 1, `one connection per worker life: ${JSON.stringify(s.perConnection.map((c) => c.closeReason))}`);
    assert.equal(s.openNow, 1);
  }
  await assertNotAttached(env);
  const { status } = await env.ask(page, { swWebSocket: 'status' });
  t.diagnostic(`workerStarts ${status.workerStarts}, connects ${status.connects}`);
});
