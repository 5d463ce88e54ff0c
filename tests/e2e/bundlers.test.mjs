// The packed npm package, bundled into an extension's service worker by Vite,
// esbuild and WXT (tests/bundlers; ./build.sh test builds them into
// target/bundlers/NAME). All three run in one browser: each worker must load
// the WebAssembly module from where its bundler put it, connect to the test
// server when its page asks and get its text echoed. The page asks (the
// extensions' own protocol, tests/bundlers/shared/protocol.js) because the
// server's port is known only now, after the bundles were built.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { launch, startServer, until, ROOT } from './harness.mjs';

const BUNDLERS = ['vite', 'esbuild', 'wxt'];
const dirOf = (name) => join(ROOT, 'target', 'bundlers', name);

/** The .wasm files under `dir`, as paths relative to it with their sizes. */
function wasmFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith('.wasm'))
    .map((file) => `${file} (${statSync(join(dir, file)).size} B)`);
}

let server;
let env;
const ids = new Map();

before(async () => {
  for (const name of BUNDLERS) {
    assert.ok(
      existsSync(join(dirOf(name), 'manifest.json')),
      `${relative(ROOT, dirOf(name))} is not built: ./build.sh test builds it (or ./build.sh package, then ./build.sh bundlers)`,
    );
  }
  server = await startServer();
  env = await launch({ extensions: BUNDLERS.map(dirOf) });
  BUNDLERS.forEach((name, i) => ids.set(name, env.extensionIds[i]));
});

after(async () => {
  await env?.close();
  server?.stop();
});

for (const name of BUNDLERS) {
  test(`${name}: the bundled worker loads the module, connects and gets its text echoed`, { timeout: 30_000 }, async (t) => {
    t.diagnostic(`${name} built: ${wasmFiles(dirOf(name)).join(', ') || 'no .wasm file'}`);
    const page = await env.page('page.html', ids.get(name));
    t.after(() => page.close().catch(() => {}));
    const ask = (request) => env.ask(page, request);
    const url = `${server.url}?tag=${name}`;

    // A module that did not load rejects connect() with kind init, naming what it tried.
    assert.deepEqual(await ask({ bundler: 'connect', url }), { ok: true });
    await until(`${name} open on the server`, async () => (await server.stats(name)).openNow === 1);
    const { status } = await ask({ bundler: 'status' });
    assert.equal(status.state, 'open');
    assert.equal(status.url, url);

    const text = `hello from ${name}`;
    assert.equal((await ask({ bundler: 'send', data: text })).queued, false);
    await until(`the echo in ${name}`, async () => (await ask({ bundler: 'texts' })).texts.includes(text));
  });
}
