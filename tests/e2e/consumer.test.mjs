// An extension that is not ours (tests/consumer-extension) imports the packed
// npm package exactly as the README tells a user, and runs beside the demo
// extension in one browser. It connects by itself (`start({url})`, no page
// asks it to); its worker is stopped with CDP (its own version only) and
// watched from the server: it must come back by its alarm alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launch, startServer, watchWorker, until, assertNotAttached, CONSUMER_DIR, EXTENSION_DIR,
} from './harness.mjs';

const everything = (page) => page.evaluate(async () => ({
  storage: Object.keys(await chrome.storage.local.get(null)),
  session: Object.keys(await chrome.storage.session.get(null)),
  alarms: (await chrome.alarms.getAll()).map((a) => a.name),
}));

test('a consumer extension reconnects after its worker is stopped, beside the demo, neither touching the other', { timeout: 120_000 }, async (t) => {
  assert.ok(
    existsSync(join(CONSUMER_DIR, 'vendor', 'sw-websocket', 'worker.js')),
    'the packed package is not installed in tests/consumer-extension/vendor: ./build.sh test does that',
  );
  const server = await startServer();
  const url = `${server.url}?tag=consumer`;
  const options = { watchdogMs: 3000, backoffBaseMs: 200, backoffMaxMs: 1000 };
  writeFileSync(
    join(CONSUMER_DIR, 'config.js'),
    `export const SERVER_URL = ${JSON.stringify(url)};\nexport const OPTIONS = ${JSON.stringify(options)};\n`,
  );
  const env = await launch({ extensions: [EXTENSION_DIR, CONSUMER_DIR] });
  t.after(async () => { await env.close(); server.stop(); });
  const [demoId, consumerId] = env.extensionIds;
  const watch = await watchWorker(env, consumerId);
  const demoWatch = await watchWorker(env, demoId);

  const demo = await env.page('popup.html', demoId);
  assert.deepEqual(await env.ask(demo, { swWebSocket: 'connect', url: `${server.url}?tag=demo` }), { ok: true });
  await until('the demo open', async () => (await env.ask(demo, { swWebSocket: 'status' })).status.state === 'open');

  // Installing the extension started its worker, and start({url}) connected it.
  await until('the consumer on the server', async () => (await server.stats('consumer')).openNow === 1);
  let page = await env.page('page.html', consumerId);
  const ask = (request) => env.ask(page, request);
  assert.equal((await ask({ consumer: 'status' })).status.state, 'open');
  assert.equal((await ask({ consumer: 'send', data: 'before the stop' })).queued, false);
  await until('the echo', async () => (await ask({ consumer: 'texts' })).texts.includes('before the stop'));
  // The EventTarget surface in a real worker: onmessage above, once, signal, readyState.
  let { seen, readyState, open } = await ask({ consumer: 'seen' });
  assert.equal(readyState, 1);
  assert.equal(open, true, 'socket.OPEN is there');
  assert.equal(seen.onceOpens, 1);
  assert.equal(seen.counted, 1);
  // The page's PageSocket (page.js) saw the echo pushed.
  await until('the echo on the page', () => page.evaluate(() => globalThis.pageSeen.texts.includes('before the stop')));
  await ask({ consumer: 'stopCounting' });
  // A server-side drop: readyState goes CONNECTING through the reconnect and back to OPEN; once stays once.
  assert.equal((await server.control('close', { tag: 'consumer', code: 4000, reason: 'flap' })).closed, 1, 'the close reached the connection');
  await until('reconnected', async () => (await server.stats('consumer')).connections === 2 && (await ask({ consumer: 'seen' })).readyState === 1);
  ({ seen } = await ask({ consumer: 'seen' }));
  t.diagnostic(`states through the drop: ${JSON.stringify(seen.states)}`);
  assert.ok(seen.states.some(([state, rs]) => state === 'backoff' && rs === 0), 'backoff is CONNECTING');
  assert.deepEqual(seen.states.at(-1), ['open', 1]);
  assert.equal(seen.onceOpens, 1, 'the once listener ran once across the reconnect');
  await ask({ consumer: 'send', data: 'not counted' });
  await until('the echo after the drop', async () => (await ask({ consumer: 'texts' })).texts.includes('not counted'));
  assert.equal((await ask({ consumer: 'seen' })).seen.counted, 1, 'the aborted listener is gone');

  await page.close(); // nothing but the consumer's own alarm may wake its worker
  await watch.stopThisWorker();
  await until('the consumer back on the server', async () => {
    const s = await server.stats('consumer');
    return s.connections >= 3 && s.openNow === 1;
  }, 30_000, 250);
  await assertNotAttached(env, consumerId);

  page = await env.page('page.html', consumerId);
  const { status } = await ask({ consumer: 'status' });
  t.diagnostic(`consumer after the stop: state ${status.state}, workerStarts ${status.workerStarts}, reconnects ${status.reconnects}`);
  assert.equal(status.state, 'open');
  assert.ok(status.workerStarts >= 2, `workerStarts ${status.workerStarts}`);
  assert.equal(status.url, url);
  assert.equal((await server.stats('consumer')).connections, 3, 'resumed, not connected twice (the third: after the drop and the stop)');
  await ask({ consumer: 'send', data: 'after the stop' });
  await until('the echo in the new worker life', async () =>
    (await ask({ consumer: 'texts' })).texts.includes('after the stop'));

  // The demo was not touched: one connection, still open, its worker never stopped.
  const demoStats = await server.stats('demo');
  assert.equal(demoStats.connections, 1);
  assert.equal(demoStats.openNow, 1);
  assert.equal(demoWatch.stops(), 0, 'the demo worker was not stopped');
  assert.equal((await env.ask(demo, { swWebSocket: 'status' })).status.workerStarts, 1);

  // Each extension holds only its own keys and alarms.
  const mine = await everything(page);
  const theirs = await everything(demo);
  t.diagnostic(`consumer keeps ${JSON.stringify(mine)}; demo keeps ${JSON.stringify(theirs)}`);
  assert.ok(mine.storage.includes('consumer-socket'));
  assert.ok(theirs.storage.includes('sw-websocket'));
  for (const key of [...mine.storage, ...mine.session, ...mine.alarms]) assert.match(key, /^consumer-socket(:|$)/);
  for (const key of [...theirs.storage, ...theirs.session, ...theirs.alarms]) assert.match(key, /^sw-websocket(:|$)/);
  await watch.close();
  await demoWatch.close();
});

test("an update that changes start()'s options applies them: the connection is made again with the new ones", { timeout: 90_000 }, async (t) => {
  const server = await startServer();
  const url = `${server.url}?tag=update`;
  const v1 = { watchdogMs: 3000, backoffBaseMs: 200, backoffMaxMs: 1000 };
  const write = (options) => writeFileSync(
    join(CONSUMER_DIR, 'config.js'),
    `export const SERVER_URL = ${JSON.stringify(url)};\nexport const OPTIONS = ${JSON.stringify(options)};\n`,
  );
  write(v1);
  const env = await launch({ extensions: [CONSUMER_DIR] });
  t.after(async () => { await env.close(); server.stop(); });
  const [id] = env.extensionIds;
  await until('the first version on the server', async () => (await server.stats('update')).openNow === 1);

  // The next version signs in with a token (sw.auth as the first message),
  // at the same URL. Loading the same folder again is its update: the same
  // id, its storage kept, a new worker (chrome.runtime.reload() here
  // unloads an extension loaded through CDP and does not bring it back).
  write({ ...v1, authToken: 'v2-token' });
  assert.equal(await env.browser.installExtension(CONSUMER_DIR), id);
  const conns = await until('a connection that signed in with the new token', async () => {
    const { perConnection } = await server.stats('update');
    return perConnection.some((c) => c.lastTexts[0] === '{"type":"sw.auth","token":"v2-token"}') && perConnection;
  }, 30_000, 250).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await server.stats('update')).perConnection.map((c) => [c.closeCode, c.closeReason, c.lastTexts]))}`); });
  t.diagnostic(`connections: ${JSON.stringify(conns.map((c) => [c.closeCode, c.closeReason, c.lastTexts[0] ?? null]))}`);
  // The new version's first worker start restored the stored connection
  // with the new settings: no socket opened with the old ones.
  assert.equal(conns.length, 2, 'the first version\'s, then one with the token');
  assert.equal(conns[0].closeCode, 1001, 'the first version\'s worker went away');
  assert.equal(conns[1].closedAt, null);
  const later = await env.page('page.html', id);
  await until('open in the new version', async () => (await env.ask(later, { consumer: 'status' })).status.state === 'open');
  assert.equal((await env.ask(later, { consumer: 'send', data: 'after the update' })).queued, false);
  await until('the echo', async () => (await env.ask(later, { consumer: 'texts' })).texts.includes('after the update'));
});

test('a browser restart empties session storage: the messages queued before it go out after the token, on the only socket', { timeout: 120_000 }, async (t) => {
  let server = await startServer();
  const url = `${server.url}?tag=restart`;
  // The token as a first message (sw.auth): the URL is the stored one, and
  // a worker start opens a socket to it while the module loads.
  const options = { authToken: 'the-token', watchdogMs: 3000, backoffBaseMs: 200, backoffMaxMs: 1000 };
  writeFileSync(
    join(CONSUMER_DIR, 'config.js'),
    `export const SERVER_URL = ${JSON.stringify(url)};\nexport const OPTIONS = ${JSON.stringify(options)};\n`,
  );
  const profile = mkdtempSync(join(tmpdir(), 'sw-websocket-e2e-restart-'));
  let env = await launch({ extensions: [CONSUMER_DIR], profile });
  t.after(async () => { await env.close(); server.stop(); rmSync(profile, { recursive: true, force: true }); });
  const [id] = env.extensionIds;
  await until('open on the server', async () => (await server.stats('restart')).openNow === 1);
  const page = await env.page('page.html', id);
  const ask = (request) => env.ask(page, request);

  server.kill();
  await until('the consumer to notice', async () => (await ask({ consumer: 'status' })).status.state !== 'open');
  const queued = Array.from({ length: 10 }, (_, i) => `queued-${i}`);
  for (const data of queued) assert.equal((await ask({ consumer: 'send', data })).queued, true);
  await env.close(); // the browser quits; its profile stays

  server = await startServer(['--port', String(server.port)]);
  env = await launch({ extensions: [CONSUMER_DIR], profile }); // the same profile: local storage kept, session storage empty
  const conn = await until('the queued messages on the server', async () => {
    const { perConnection } = await server.stats('restart');
    return perConnection.find((c) => c.lastTexts.length > queued.length);
  }, 30_000, 250);
  const { perConnection } = await server.stats('restart');
  t.diagnostic(`after the restart: ${JSON.stringify(perConnection.map((c) => [c.closeCode, c.lastTexts.length, c.lastTexts[0] ?? null]))}`);
  assert.deepEqual(conn.lastTexts, ['{"type":"sw.auth","token":"the-token"}', ...queued], 'the token first, then the queue in order');
  assert.equal(perConnection.length, 1, 'one connection: none was opened without the token');
  const later = await env.page('page.html', id);
  const { status } = await env.ask(later, { consumer: 'status' });
  assert.equal(status.outbox, 0);
  assert.ok(status.workerStarts >= 2, `workerStarts ${status.workerStarts}`);
});
