// The WXT recipe: import the module's URL with Vite's `?url` and give it to
// start(). WXT defines `import.meta.url` as `self.location.href` for
// backgrounds; under Vite 7 that hides the package's
// `new URL('./sw_websocket_bg.wasm', import.meta.url)` from Vite, which then
// copies no .wasm ("Failed to fetch"). Under Vite 8 it would be found either
// way; `?url` works under both. start() goes in main(): WXT imports this file
// at build time to read its options, and calls main() at the top level of
// the built background, in the worker's first turn.
import { start } from 'sw-websocket/worker';
import wasm from 'sw-websocket/sw_websocket_bg.wasm?url';
import { answerPages } from '../../shared/protocol.js';

export default defineBackground({
  type: 'module',
  main() {
    const socket = start({ storageKey: 'bundler-wxt', wasm });
    answerPages(socket);
  },
});
