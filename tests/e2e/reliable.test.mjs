// Reliable delivery through worker stops: 500 reliable messages, the worker
// stopped 10 times along the way (CDP ServiceWorker.stopAllWorkers from a page
// session, never attached to the worker). The server's record decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, watchWorker, until, sendGroups } from './harness.mjs';

test('500 reliable messages arrive, in order apart from marked duplicates, across 10 worker stops', { timeout: 240_000 }, async (t) => {
  // Acks come 150 ms late and messages flow in groups 60 ms apart: each stop
  // leaves some messages acknowledged and some sent but not yet acknowledged.
  const { server, env } = await setup(t, ['--ack-delay-ms', '150']);
  const watch = await watchWorker(env);
  const page = await env.page('popup.html');
  const tag = 'reliable';
  const options = { reliable: true, backoffBaseMs: 200, backoffMaxMs: 1000, watchdogMs: 3000 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url: `${server.url}?tag=${tag}`, options }), { ok: true });

  let stops = 0;
  for (let chunk = 0; chunk < 10; chunk++) {
    await sendGroups(page, { prefix: 'm', from: chunk * 50, groups: 5, size: 10, gapMs: 60 });
    const open = (await server.stats(tag)).perConnection.filter((c) => c.closedAt === null).map((c) => c.id);
    await watch.stopWorker();
    stops++;
    // The sockets of the stopped worker close; its watchdog alarm may already
    // have revived it and opened a new one, which is fine.
    await until('the server to see the socket go', async () => {
      const s = await server.stats(tag);
      return open.every((id) => s.perConnection.find((c) => c.id === id)?.closedAt !== null);
    });
  }

  // Wake the worker once more and let it finish.
  const { status } = await env.ask(page, { swWebSocket: 'status' });
  t.diagnostic(`after ${stops} stops: state ${status.state}, outbox ${status.outbox}, workerStarts ${status.workerStarts}`);
  const stats = await until('all 500 delivered', async () => {
    const s = await server.stats(tag);
    return s.reliable.delivered.length >= 500 && s;
  }, 60_000, 250);
  const { frames, delivered } = stats.reliable;
  assert.deepEqual(delivered, Array.from({ length: 500 }, (_, i) => `m${i}`));
  const seen = new Set();
  let last = 0;
  let dups = 0;
  for (const [id, dup] of frames) {
    if (seen.has(id)) {
      assert.equal(dup, true, `id ${id} arrived again without dup: true`);
      dups++;
    } else {
      // Increasing; a worker restart skips the rest of its reserved block of ids.
      assert.ok(id > last, `first arrivals in order: ${id} after ${last}`);
      seen.add(id);
      last = id;
    }
  }
  t.diagnostic(`${frames.length} frames for 500 ids: ${dups} marked duplicates, ${stats.connections} connections`);
  assert.equal(seen.size, 500);
  // Every stop was real: seen by the ServiceWorker domain and counted by the
  // worker itself. (A life stopped while still connecting opens no socket, so
  // the server's connection count is no witness of each life.)
  assert.ok(watch.stops() >= 10, `10 stops seen: ${watch.stops()}`);
  assert.ok(status.workerStarts >= 11, `one worker start per life: ${status.workerStarts}`);
  assert.ok(stats.connections >= 2, `reconnected after stops: ${stats.connections}`);
  await until('the outbox to empty', async () => (await env.ask(page, { swWebSocket: 'status' })).status.outbox === 0, 10_000);
  await watch.close();
});
