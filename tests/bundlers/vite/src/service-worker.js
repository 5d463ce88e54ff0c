// The Vite recipe: nothing to add. Vite follows the package's
// `new URL('./sw_websocket_bg.wasm', import.meta.url)`, emits the module as
// assets/sw_websocket_bg-HASH.wasm and rewrites the URL to it.
import { start } from 'sw-websocket/worker';
import { answerPages } from '../../shared/protocol.js';

const socket = start({ storageKey: 'bundler-vite' });
answerPages(socket);
