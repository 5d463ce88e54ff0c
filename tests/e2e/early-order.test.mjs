// The order of a worker start's first steps (socket.js), in Node: the
// stored state is read first, alone, and the module's load starts once it
// is in (the load and the other reads slowed that read's answer, and with
// it the socket opened early); a read slower than 10 ms holds the module
// back no longer than that. A promise of the module that fails before its
// load starts is not reported as unhandled, and a second socket made with
// the same key opens no second early socket (one nobody would take or
// close). Each test imports its own copy of worker.js, so
// the module is loaded afresh; `wasm` is a thenable that notes when the
// load asks for it. A stand-in chrome.storage whose answers the test holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { PKG, wasm } from './node-module.mjs';
import { sleep } from './harness.mjs';

/** A storage area whose `get` answers when the test says (`release(key)`), or at once for other keys. */
function heldArea(held) {
  const waiting = new Map();
  return {
    asked: [],
    async get(key) {
      this.asked.push([key, performance.now()]);
      if (held.has(key)) await new Promise((go) => waiting.set(key, go));
      return {};
    },
    async set() {},
    async remove() {},
    release(key) {
      waiting.get(key)?.();
    },
  };
}

/** `wasm` for the socket: resolves to the module's bytes, noting when the load first asked. */
function notedModule() {
  const noted = { at: null };
  noted.then = (resolve) => {
    noted.at ??= performance.now();
    resolve(wasm);
  };
  return noted;
}

async function freshWorker(tag) {
  return import(`${pathToFileURL(join(PKG, 'worker.js')).href}?${tag}`);
}

test('the module loads only once the stored state is read, and the secret and history are read after it', async () => {
  const local = heldArea(new Set(['order']));
  const session = heldArea(new Set());
  globalThis.chrome = { storage: { local, session } };
  const { SwWebSocket } = await freshWorker('order');
  const module = notedModule();
  const socket = new SwWebSocket({ storageKey: 'order', wasm: module });
  await sleep(5); // shorter than the 10 ms the load may wait
  assert.equal(module.at, null, 'the load waits for the state read');
  assert.deepEqual(session.asked, [], 'the secret and the history wait for it too');
  const answered = performance.now();
  local.release('order');
  await socket.ready;
  assert.ok(module.at >= answered, 'the load started after the state was read');
  assert.deepEqual(session.asked.map(([key]) => key).sort(), ['order:history', 'order:secret']);
  assert.ok(session.asked.every(([, at]) => at >= answered));
});

test('a state read slower than 10 ms does not hold the module back', async () => {
  const local = heldArea(new Set(['slow']));
  globalThis.chrome = { storage: { local, session: heldArea(new Set()) } };
  const { SwWebSocket } = await freshWorker('slow');
  const module = notedModule();
  const started = performance.now();
  const socket = new SwWebSocket({ storageKey: 'slow', wasm: module });
  await sleep(200);
  assert.ok(module.at !== null, 'the load started while the read was still out');
  assert.ok(module.at - started < 150, `the load started ${Math.round(module.at - started)} ms after the socket was made`);
  local.release('slow');
  await socket.ready;
});

test('a wasm promise that fails while the state is read is not reported as unhandled', async () => {
  const local = heldArea(new Set(['fails']));
  globalThis.chrome = { storage: { local, session: heldArea(new Set()) } };
  const { SwWebSocket } = await freshWorker('fails');
  const unhandled = [];
  const note = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', note);
  try {
    const socket = new SwWebSocket({ storageKey: 'fails', wasm: Promise.reject(new Error('no module here')) });
    await sleep(5); // the promise has failed, and the load has not taken it yet
    local.release('fails');
    await assert.rejects(socket.ready, /no module here/);
    await sleep(10);
    assert.deepEqual(unhandled, [], 'only `ready` reports the failure');
  } finally {
    process.off('unhandledRejection', note);
  }
});

test('two sockets made with the same key open one socket early', async () => {
  const stored = { openAt: 0, url: 'ws://127.0.0.1:9/ws' };
  const area = {
    async get(key) { return key === 'twice' ? { twice: stored } : {}; },
    async set() {},
    async remove() {},
  };
  globalThis.chrome = { storage: { local: area, session: area } };
  const made = [];
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = class {
    constructor(url) { made.push(url); }
    addEventListener() {}
    removeEventListener() {}
    close() {}
  };
  try {
    const { SwWebSocket } = await freshWorker('twice');
    const never = { then() {} }; // the module never loads: only the first steps run
    new SwWebSocket({ storageKey: 'twice', wasm: never });
    new SwWebSocket({ storageKey: 'twice', wasm: never });
    await sleep(20);
    assert.deepEqual(made, [stored.url], 'one early socket, which either engine may take');
  } finally {
    globalThis.WebSocket = saved;
  }
});
