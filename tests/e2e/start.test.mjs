// `start()` (worker.js) before the module is ready, in Node with a stand-in
// `chrome`: bad settings throw, and a module that cannot load rejects, with
// errors of the module's own shape (`name` "SwWebSocketError", a `kind` the
// types list); command replies carry the same `{kind, message}` as plain data.
// Node cannot fetch the package's file URL, so the module never loads here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTENSION_DIR } from './harness.mjs';

const PKG = join(EXTENSION_DIR, 'pkg');

/** The kinds `SwWebSocketErrorKind` lists in the built declarations. */
function listedKinds() {
  const types = readFileSync(join(PKG, 'sw_websocket.d.ts'), 'utf8');
  const union = types.match(/export type SwWebSocketErrorKind =([^;]*);/);
  assert.ok(union, 'sw_websocket.d.ts declares SwWebSocketErrorKind');
  return [...union[1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

const KINDS = listedKinds();

/** Checks that `error` has the module's error shape and a listed kind; returns the kind. */
function kindOf(what, error) {
  assert.ok(error instanceof Error, `${what}: not an Error: ${error}`);
  assert.equal(error.name, 'SwWebSocketError', what);
  assert.ok(KINDS.includes(error.kind), `${what}: kind ${error.kind} is not in SwWebSocketErrorKind`);
  assert.ok(error.message.length > 0, `${what}: no message`);
  return error.kind;
}

function thrown(what, f) {
  try {
    f();
  } catch (error) {
    assert.ok(isSwWebSocketError(error), `${what}: the type guard knows it`);
    return kindOf(what, error);
  }
  assert.fail(`${what}: no error`);
}

const event = () => ({ addListener() {} });
globalThis.chrome = {
  runtime: {
    id: 'start-test', onStartup: event(), onInstalled: event(), onMessage: event(), onConnect: event(),
    sendMessage: async () => {},
  },
  alarms: { onAlarm: event() },
};
// What a service worker has and Node 20 lacks.
globalThis.ErrorEvent ??= class ErrorEvent extends Event {
  constructor(type, init = {}) {
    super(type);
    this.error = init.error;
    this.message = init.message ?? '';
  }
};
const { isSwWebSocketError, start } = await import(pathToFileURL(join(PKG, 'worker.js')).href);

test('bad settings throw SwWebSocketErrors', () => {
  for (const [what, settings] of [
    ['settings null', null],
    ['settings a string', 'local'],
    ['an unknown setting', { storagekey: 'x' }],
    ['url a number', { url: 42 }],
    ['commands a string', { commands: 'yes' }],
    ['pages a number', { pages: 1 }],
  ]) {
    assert.equal(thrown(what, () => start(settings)), 'invalid_option', what);
  }
  const started = start({ storageKey: 'early' });
  started.ready.catch(() => {});
  assert.equal(thrown('started twice', () => start({ storageKey: 'early' })), 'invalid_option');
});

test('a module that cannot load rejects with kind init, and commands answer it', async () => {
  assert.ok(KINDS.includes('init'), 'init is a listed kind');
  const started = start({ storageKey: 'unloadable' });
  const error = await started.ready.then(() => assert.fail('the module loaded in Node'), (e) => e);
  assert.equal(kindOf('ready', error), 'init');
  const errorEvents = [];
  started.addEventListener('error', (e) => errorEvents.push(e.error));
  const sent = await started.send('x').then(() => assert.fail('sent'), (e) => e);
  assert.equal(sent, error, 'the calls that wait for the module reject with the same error');
  assert.deepEqual(errorEvents, [], 'init is an error event once, from ready, not again per call');
  const reply = await started.handleCommand({ swWebSocket: 'status' });
  assert.deepEqual(reply, { ok: false, error: { kind: 'init', message: error.message } });
});

test('start() warns once about a manifest without alarms or the wasm CSP, with the line to add', () => {
  const warnings = [];
  const warn = console.warn;
  console.warn = (text) => warnings.push(String(text));
  try {
    const complete = {
      permissions: ['storage', 'alarms'],
      content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
    };
    chrome.runtime.getManifest = () => complete;
    start({ storageKey: 'manifest-ok' }).ready.catch(() => {});
    assert.deepEqual(warnings, [], 'a complete manifest: no warning');
    chrome.runtime.getManifest = () => ({ permissions: ['storage'] });
    start({ storageKey: 'manifest-lacking' }).ready.catch(() => {});
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0], /"alarms" permission is missing.*"permissions": \["storage", "alarms"\]/);
    assert.match(warnings[1], /'wasm-unsafe-eval'.*"extension_pages": "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'"/);
    start({ storageKey: 'manifest-lacking-again' }).ready.catch(() => {});
    assert.equal(warnings.length, 2, 'each warned about once');
  } finally {
    console.warn = warn;
    delete chrome.runtime.getManifest;
  }
});

test("the type guard tells the package's errors from any other", () => {
  for (const other of [new Error('x'), new TypeError('x'), { name: 'SwWebSocketError', kind: 'x' }, null, 'SwWebSocketError']) {
    assert.equal(isSwWebSocketError(other), false, String(other));
  }
});

test('start({wasm}): a source that fails is named with the fix; bytes load the module', async () => {
  const missing = 'file:///nowhere/sw_websocket_bg.wasm';
  const failed = start({ storageKey: 'wasm-missing', wasm: missing });
  const error = await failed.ready.then(() => assert.fail('loaded from nowhere'), (e) => e);
  assert.equal(kindOf('a missing module', error), 'init');
  assert.ok(error.message.includes(missing), `the URL tried is named: ${error.message}`);
  assert.match(error.message, /start\(\{wasm\}\)/, 'the fix is named');
  const wrong = await start({ storageKey: 'wasm-number', wasm: 42 }).ready.catch((e) => e);
  assert.equal(kindOf('wasm a number', wrong), 'init');
  assert.match(wrong.message, /from start\(\{wasm\}\)/);
  // Bytes, as a bundler that inlines or imports the file would give them; in
  // memory only (storageArea "none": Node has no chrome.storage).
  globalThis.navigator ??= { onLine: true };
  const bytes = readFileSync(join(PKG, 'sw_websocket_bg.wasm'));
  const started = start({ storageKey: 'wasm-bytes', storageArea: 'none', wasm: bytes });
  const socket = await started.ready;
  assert.equal((await socket.status()).state, 'idle', 'the module runs');
  assert.equal(socket, started, 'ready resolves with the socket itself');
});
