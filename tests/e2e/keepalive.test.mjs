// The worker's lifetime, judged from outside: the test server's record of the
// socket and the ServiceWorker domain on a separate page session. Nothing here
// attaches to the worker (checked with Target.getTargets), and no page talks to
// it during the idle windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, watchWorker, sleep, until, connectAndLeave, assertNotAttached } from './harness.mjs';

test('with the 20 s keepalive the worker stays alive and connected through 75 s of silence', { timeout: 150_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);

  await connectAndLeave(env, `${server.url}?tag=alive`, {});
  await assertNotAttached(env);
  const start = Date.now();
  await sleep(75_000);
  await assertNotAttached(env);

  const stats = await server.stats('alive');
  const conn = stats.perConnection[0];
  t.diagnostic(`after ${Date.now() - start} ms: keepalives ${conn.keepalives}, max gap ${conn.maxGapMs} ms, current gap ${conn.currentGapMs} ms, worker ${watch.status()}`);
  assert.equal(stats.connections, 1, 'one connection, never re-opened');
  assert.equal(conn.closedAt, null, `the socket closed: ${conn.closeCode} ${conn.closeReason}`);
  assert.ok(conn.keepalives >= 3, `keepalives seen by the server: ${conn.keepalives}`);
  assert.ok(conn.maxGapMs <= 25_000, `largest gap between frames ${conn.maxGapMs} ms`);
  assert.ok(conn.currentGapMs <= 25_000, `silence now ${conn.currentGapMs} ms`);
  assert.equal(conn.messages, 0, 'no traffic but keepalives');
  assert.equal(watch.status(), 'running');

  const page = await env.page('popup.html');
  const { status } = await env.ask(page, { swWebSocket: 'status' });
  assert.equal(status.state, 'open');
  assert.equal(status.workerStarts, 1, 'the same worker instance all along');
  assert.equal(status.keepalives, conn.keepalives);
  await watch.close();
});
