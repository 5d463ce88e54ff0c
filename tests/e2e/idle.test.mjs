// The idle shutdown, judged from outside: the test server's record of the
// socket and the ServiceWorker domain on a separate page session. Nothing here
// attaches to the worker (checked with Target.getTargets), and no page talks to
// it during the idle windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, watchWorker, until, connectAndLeave, assertNotAttached } from './harness.mjs';

test('with the keepalive and the watchdog alarm off the worker is stopped and the connection lost within 60 s', { timeout: 120_000 }, async (t) => {
  const { server, env } = await setup(t);
  const watch = await watchWorker(env);

  await connectAndLeave(env, `${server.url}?tag=idle`, { keepalive: false, watchdog: false });
  await assertNotAttached(env);
  const left = Date.now();
  const conn = await until(
    'the server to see the socket close',
    async () => (await server.stats('idle')).perConnection.find((c) => c.closedAt !== null),
    60_000,
    250,
  );
  const after = conn.closedAt - left;
  t.diagnostic(`connection lost ${after} ms after the last event; close code ${conn.closeCode}; keepalives ${conn.keepalives}`);
  assert.equal(conn.keepalives, 0);
  assert.equal(conn.closeCode, 1001, 'the browser closed the socket as going away');
  assert.ok(after >= 25_000, `closed after ${after} ms: too early for an idle stop`);
  await until('the worker to show as stopped', () => watch.status() === 'stopped', 10_000);
  await watch.close();
});
