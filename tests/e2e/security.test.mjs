// Security: another extension cannot drive the demo's socket, the auth token
// never reaches chrome.storage.local or any log, and the manifest asks only
// for what the package uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, startServer, until, sleep, EXTENSION_DIR, ROOT } from './harness.mjs';

const HOSTILE_DIR = join(ROOT, 'tests', 'hostile-extension');
const TOKEN = 'tok-5f3a9c-never-in-local';

/**
 * After the refused requests: still open, nothing sent on the socket (tag
 * `tag`) and no connection to the URL they asked for (tag `evilTag`).
 */
async function assertUnchanged(env, page, server, before, tag, evilTag) {
  await sleep(500);
  const after = (await env.ask(page, { swWebSocket: 'status' })).status;
  assert.equal(after.state, 'open');
  assert.equal(after.sent, before.sent, 'nothing was sent');
  assert.equal(after.connects, before.connects);
  assert.equal((await server.stats(tag)).messages, 0, 'the server got no message');
  assert.equal((await server.stats(evilTag)).connections, 0, 'no connection to the URL they asked for');
}

test('another extension gets no answer and changes nothing', { timeout: 60_000 }, async (t) => {
  const server = await startServer();
  const env = await launch({ extensions: [EXTENSION_DIR, HOSTILE_DIR] });
  t.after(async () => { await env.close(); server.stop(); });
  const [demoId, hostileId] = env.extensionIds;
  const demo = await env.page('popup.html', demoId);
  assert.deepEqual(await env.ask(demo, { swWebSocket: 'connect', url: `${server.url}?tag=victim` }), { ok: true });
  await until('open', async () => (await env.ask(demo, { swWebSocket: 'status' })).status.state === 'open');
  const before = (await env.ask(demo, { swWebSocket: 'status' })).status;

  const hostile = await env.page('page.html', hostileId);
  const attempts = await hostile.evaluate(async (target, evil) => {
    const tries = [
      { swWebSocket: 'send', data: 'evil' },
      { swWebSocket: 'connect', url: evil },
      { swWebSocket: 'close', code: 4000, reason: 'evil' },
      { swWebSocket: 'clearOutbox' },
      { swWebSocket: 'status' },
    ];
    const results = [];
    for (const request of tries) {
      try {
        results.push({ request, reply: await chrome.runtime.sendMessage(target, request) });
      } catch (error) {
        results.push({ request, error: String(error.message ?? error) });
      }
    }
    // A long-lived port is refused too.
    const port = chrome.runtime.connect(target);
    const disconnected = await new Promise((resolve) => {
      port.onDisconnect.addListener(() => resolve(chrome.runtime.lastError?.message ?? 'disconnected'));
      try { port.postMessage({ swWebSocket: 'send', data: 'evil by port' }); } catch (error) { resolve(String(error)); }
      setTimeout(() => resolve('still connected'), 2000);
    });
    return { results, disconnected };
  }, demoId, `${server.url}?tag=evil`);
  t.diagnostic(JSON.stringify(attempts));
  for (const { request, reply, error } of attempts.results) {
    assert.equal(reply, undefined, `no reply to ${request.swWebSocket}`);
    assert.match(error, /Receiving end does not exist|Could not establish connection/, request.swWebSocket);
  }
  assert.notEqual(attempts.disconnected, 'still connected');

  await assertUnchanged(env, demo, server, before, 'victim', 'evil');
});

/** A copy of the demo with the probe as a content script on the test server's pages; `start` its start() settings. */
async function withProbe(t, start) {
  const dir = mkdtempSync(join(tmpdir(), 'sw-websocket-content-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  cpSync(join(ROOT, 'tests', 'content-probe', 'probe.js'), join(dir, 'probe.js'));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.content_scripts = [{ matches: ['http://127.0.0.1/*'], js: ['probe.js'] }];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'service-worker.js'), `import { start } from './pkg/worker.js';\nstart(${JSON.stringify(start)});\n`);
  const server = await startServer();
  const env = await launch({ extensions: [dir] });
  t.after(async () => { await env.close(); server.stop(); rmSync(dir, { recursive: true, force: true }); });
  const own = await env.page('popup.html');
  assert.deepEqual(await env.ask(own, { swWebSocket: 'connect', url: `${server.url}?tag=owner` }), { ok: true });
  await until('open', async () => (await env.ask(own, { swWebSocket: 'status' })).status.state === 'open');
  const before = (await env.ask(own, { swWebSocket: 'status' })).status;
  const web = await env.browser.newPage();
  await web.goto(server.url.replace(/^ws/, 'http').replace(/\/ws$/, '/page'));
  const probe = await until('the content script\'s answers', () =>
    web.evaluate(() => document.documentElement.dataset.swProbe), 20_000);
  t.diagnostic(probe);
  return { env, server, own, before, ...JSON.parse(probe) };
}

test('a content script of the extension itself gets no answer and no page port, and changes nothing', { timeout: 60_000 }, async (t) => {
  const { env, server, own, before, results, page } = await withProbe(t, { storageKey: 'sw-websocket', commands: true });
  assert.equal(results.length, 5);
  // No listener answers: sendMessage resolves with nothing (the worker's
  // replies are always {ok, ...}).
  for (const { request, reply } of results) assert.equal(reply, undefined, `no reply to ${request.swWebSocket}`);
  assert.deepEqual(page, { disconnected: true }, 'the page port is refused: no hello, disconnected');
  await assertUnchanged(env, own, server, before, 'owner', 'content-evil');
});

test('start({contentScripts: true}) serves the page port to the extension\'s content scripts', { timeout: 60_000 }, async (t) => {
  const { server, page } = await withProbe(t, { storageKey: 'sw-websocket', commands: true, contentScripts: true });
  assert.equal(page.hello, 'open', 'the hello carries the status');
  assert.deepEqual(page.reply, { queued: false }, 'a call is answered');
  await until('the content script\'s message on the server', async () =>
    (await server.stats('owner')).perConnection[0].lastTexts.includes('from a content script'));
});

test("the protocol answers only its own namespaced requests: an app's {cmd} messages are left to the app", { timeout: 60_000 }, async (t) => {
  const env = await launch();
  t.after(() => env.close());
  const page = await env.page('popup.html');
  const status = await env.ask(page, { swWebSocket: 'status' });
  assert.equal(status.ok, true, 'a namespaced request is answered');
  // The demo has no listener of its own: a message the library leaves alone gets no reply at all.
  const replies = await page.evaluate(async () => {
    const out = [];
    for (const request of [{ cmd: 'status' }, { cmd: 'getSettings' }, { type: 'status' }]) {
      try {
        out.push({ reply: await chrome.runtime.sendMessage(request) ?? null });
      } catch (error) {
        out.push({ error: String(error.message ?? error) });
      }
    }
    return out;
  });
  t.diagnostic(JSON.stringify(replies));
  for (const r of replies) assert.ok(!r.reply, `an app's message was answered: ${JSON.stringify(r)}`);
});

test('the auth token is never in chrome.storage.local or a log', { timeout: 60_000 }, async (t) => {
  const server = await startServer();
  const env = await launch();
  t.after(async () => { await env.close(); server.stop(); });
  const page = await env.page('popup.html');
  // Wake the worker, then listen to everything it logs (this test is about
  // logs, not lifetime, so attaching to the worker is fine here).
  await env.ask(page, { swWebSocket: 'status' });
  const target = await until('the worker target', () => env.workerTarget());
  const { sessionId } = await env.cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
  const worker = env.cdp.connection().session(sessionId);
  const logs = [];
  worker.on('Runtime.consoleAPICalled', (e) => logs.push(JSON.stringify(e.args)));
  worker.on('Runtime.exceptionThrown', (e) => logs.push(JSON.stringify(e.exceptionDetails)));
  worker.on('Log.entryAdded', (e) => logs.push(JSON.stringify(e.entry)));
  await worker.send('Runtime.enable');
  await worker.send('Log.enable');
  await worker.send('Runtime.evaluate', { expression: "console.warn('log probe')" });
  await until('the probe in the log', () => logs.some((entry) => entry.includes('log probe')));

  const options = { authToken: TOKEN, backoffBaseMs: 100, backoffMaxMs: 300 };
  assert.deepEqual(await env.ask(page, { swWebSocket: 'connect', url: `${server.url}?tag=auth`, options }), { ok: true });
  await until('open', async () => (await env.ask(page, { swWebSocket: 'status' })).status.state === 'open');
  // A drop, a reconnect (the token is sent again), an error, a failed send.
  assert.equal((await server.control('close', { code: 1011, reason: 'restart', tag: 'auth' })).closed, 1, 'the close reached the connection');
  await until('two connections', async () => (await server.stats('auth')).connections >= 2, 10_000);
  await until('open again', async () => (await env.ask(page, { swWebSocket: 'status' })).status.state === 'open');
  await env.ask(page, { swWebSocket: 'send', data: { a: 1 } });
  await env.ask(page, { swWebSocket: 'close', code: 1, reason: 'bad code' });
  await sleep(500);

  const stats = await server.stats('auth');
  const sentAuth = JSON.stringify(stats).includes(TOKEN);
  assert.ok(sentAuth, 'the server did receive the token (so the scans below can find it)');
  const everything = await page.evaluate(async () => ({
    local: JSON.stringify(await chrome.storage.local.get(null)),
    session: JSON.stringify(await chrome.storage.session.get(null)),
    status: JSON.stringify(await chrome.runtime.sendMessage({ swWebSocket: 'status' })),
  }));
  assert.ok(everything.session.includes(TOKEN), 'the token is kept in chrome.storage.session');
  assert.ok(!everything.local.includes(TOKEN), 'the token is not in chrome.storage.local');
  assert.ok(!everything.status.includes(TOKEN), 'the token is not in the status');
  t.diagnostic(`${logs.length} log entries scanned (the probe included); local storage ${everything.local.length} bytes`);
  for (const entry of logs) assert.ok(!entry.includes(TOKEN), `a log entry holds the token: ${entry}`);
  await worker.detach().catch(() => {});
});

test('the manifest asks for no permission the extension does not use', () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  assert.deepEqual([...manifest.permissions].sort(), ['alarms', 'storage']);
  for (const key of ['host_permissions', 'optional_permissions', 'externally_connectable', 'content_scripts', 'web_accessible_resources']) {
    assert.equal(manifest[key], undefined, `${key} is not needed`);
  }
  const js = (dir) => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? js(path) : path.endsWith('.js') ? [readFileSync(path, 'utf8')] : [];
  });
  const code = js(EXTENSION_DIR).join('\n');
  assert.match(code, /chrome\.storage|\.storage\?\.\[/, 'storage is used');
  assert.match(code, /\.alarms/, 'alarms are used');
  assert.doesNotMatch(code, /onMessageExternal|onConnectExternal/, 'no external messaging');
});
