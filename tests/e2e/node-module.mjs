// The package's module in Node, for the tests that run the real SwWebSocket
// there (in memory, Node's WebSocket, the test server): what a service worker
// has and Node 20 lacks, then worker.js and the module's bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTENSION_DIR } from './harness.mjs';

export const PKG = join(EXTENSION_DIR, 'pkg');

globalThis.navigator ??= { onLine: true };
globalThis.ErrorEvent ??= class ErrorEvent extends Event {
  constructor(type, init = {}) {
    super(type);
    this.error = init.error;
    this.message = init.message ?? '';
  }
};

/** worker.js's exports. */
export const worker = await import(pathToFileURL(join(PKG, 'worker.js')).href);
/** The module's bytes, for `start({wasm})` / `new SwWebSocket({wasm})` (Node cannot fetch the file URL). */
export const wasm = readFileSync(join(PKG, 'sw_websocket_bg.wasm'));
