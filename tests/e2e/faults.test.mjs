// Server-side faults: a refused upgrade, a handshake that never completes,
// every class of close code, a burst of 10 000 messages and a 16 MiB message.
// Each gives the documented behaviour, and the worker keeps working after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, until, sleep } from './harness.mjs';

const fast = { backoffBaseMs: 100, backoffMaxMs: 300 };

async function demo(env) {
  const page = await env.page('popup.html');
  const ask = (request) => env.ask(page, request);
  const status = async () => (await ask({ swWebSocket: 'status' })).status;
  /** Waits until the state is `state`; returns that status. */
  const reached = (state, ms) => until(`state ${state}`, async () => {
    const s = await status();
    return s.state === state && s;
  }, ms);
  /** Connects to `url` and waits until open. */
  const open = async (url, options) => {
    assert.deepEqual(await ask({ swWebSocket: 'connect', url, options }), { ok: true });
    return reached('open');
  };
  /** Sends a text and waits for its echo: the socket still works. */
  const echo = async (text) => {
    assert.equal((await ask({ swWebSocket: 'send', data: text })).ok, true);
    await until(`the echo of ${text}`, async () =>
      (await ask({ swWebSocket: 'received', limit: 5 })).messages.some((m) => m.data === text));
  };
  return { page, ask, status, reached, open, echo };
}

test('a refused upgrade and a handshake that never completes end in gave_up, and the worker works on', { timeout: 60_000 }, async (t) => {
  const { server, env } = await setup(t);
  const { ask, reached, open, echo } = await demo(env);
  const base = server.url.replace(/\/ws$/, '');

  const refused = await ask({ swWebSocket: 'connect', url: `${base}/refuse`, options: { ...fast, maxRetries: 2 } });
  assert.deepEqual(refused, { ok: true });
  const s1 = await reached('gave_up');
  t.diagnostic(`refused: ${s1.lastError?.kind} "${s1.lastError?.message}", last close ${s1.lastClose?.code}`);
  assert.equal(s1.lastError.kind, 'gave_up');
  assert.equal(s1.lastClose.code, 1006, 'a refused handshake closes abnormally');
  assert.equal((await server.stats()).connections, 0, 'no socket was ever upgraded');

  const hung = await ask({ swWebSocket: 'connect', url: `${base}/hang`, options: { ...fast, maxRetries: 1, connectTimeoutMs: 1000 } });
  assert.deepEqual(hung, { ok: true });
  const s2 = await reached('gave_up', 15_000);
  t.diagnostic(`hung: ${s2.lastError?.kind}, last close ${s2.lastClose?.code}`);
  assert.equal(s2.lastError.kind, 'gave_up');
  assert.equal((await server.stats()).connections, 0, 'no socket was ever upgraded');

  await open(`${server.url}?tag=after-faults`);
  await echo('still working');
});

test('every class of close code from the server: reconnect or stay closed, as documented', { timeout: 90_000 }, async (t) => {
  const { server, env } = await setup(t);
  const { ask, status, reached, open, echo } = await demo(env);
  const reconnecting = [1000, 1001, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
  const fatal = [1002, 1003, 1007, 1008, 1009, 1010];
  for (const code of [...reconnecting, ...fatal]) {
    const tag = `code-${code}`;
    await open(`${server.url}?tag=${tag}`, fast);
    assert.equal((await server.control('close', { code, reason: `server says ${code}`, tag })).closed, 1, 'the close reached the connection');
    if (reconnecting.includes(code)) {
      // What was seen last goes with a timeout: the state, attempt and close, and the server's count.
      let seen = null;
      await until(`a reconnect after ${code}`, async () => {
        const { state, attempt, lastClose, lastError } = await status();
        seen = { connections: (await server.stats(tag)).connections, state, attempt, lastClose, lastError };
        return seen.connections === 2 && state === 'open';
      }).catch((e) => { throw new Error(`${e.message}; last seen ${JSON.stringify(seen)}`); });
      assert.equal((await status()).lastClose.code, code);
      assert.deepEqual(await ask({ swWebSocket: 'close' }), { ok: true });
      await reached('closed');
    } else {
      const s = await reached('closed');
      assert.equal(s.lastClose.code, code);
      assert.equal(s.lastClose.reason, `server says ${code}`);
      await sleep(500);
      assert.equal((await server.stats(tag)).connections, 1, `no reconnect after ${code}`);
    }
  }
  t.diagnostic(`reconnected after ${reconnecting.join(', ')}; stayed closed after ${fatal.join(', ')}`);
  await open(`${server.url}?tag=codes-after`);
  await echo('after every code');
});

test('10 000 messages in a burst and a 16 MiB message all arrive, and the worker works on', { timeout: 90_000 }, async (t) => {
  const { server, env } = await setup(t);
  const { ask, status, open, echo } = await demo(env);
  await open(`${server.url}?tag=burst`);
  const before = (await status()).received;
  const started = Date.now();
  await server.control('push', { tag: 'burst', text: 'burst', count: 10000 });
  await until('10 000 received', async () => (await status()).received - before >= 10000, 60_000, 200);
  t.diagnostic(`10 000 pushed messages counted by the worker in ${Date.now() - started} ms`);
  assert.equal((await status()).received - before, 10000);

  const big = 16 * 1024 * 1024;
  await server.control('push', { tag: 'burst', bytes: big });
  const last = await until('the 16 MiB message', async () => {
    const [m] = (await ask({ swWebSocket: 'received', limit: 1 })).messages;
    return m?.type === 'binary' && m;
  }, 30_000, 200);
  assert.equal(last.bytes, big);
  assert.equal((await status()).state, 'open');
  await echo('after the flood');
});

test('a text frame of invalid UTF-8 fails only that connection: nothing delivered, a reconnect, and the worker works on', { timeout: 60_000 }, async (t) => {
  const { server, env } = await setup(t);
  const { ask, status, reached, open, echo } = await demo(env);
  const base = server.url.replace(/\/ws$/, '');
  await open(`${server.url}?tag=before-utf8`);
  assert.deepEqual(await ask({ swWebSocket: 'close' }), { ok: true });
  const before = await reached('closed');
  // The first connection of the tag gets the bad frame, the next one is an echo.
  assert.deepEqual(await ask({ swWebSocket: 'connect', url: `${base}/badutf8?tag=utf8`, options: fast }), { ok: true });
  await until('a reconnect after the bad frame', async () =>
    (await server.stats('utf8')).connections === 2 && (await status()).state === 'open', 15_000);
  const s = await status();
  t.diagnostic(`invalid UTF-8: last close ${s.lastClose?.code} "${s.lastClose?.reason}", last error ${s.lastError?.kind} "${s.lastError?.message}"`);
  assert.equal(s.received, before.received, 'the bad frame reached no listener');
  assert.equal(s.reconnects, before.reconnects + 1);
  assert.equal(s.lastClose.code, 1006, 'the browser fails the connection: an abnormal close');
  const [first] = (await server.stats('utf8')).perConnection;
  assert.notEqual(first.closedAt, null, 'the bad connection is gone');
  await echo('after invalid UTF-8');
});
