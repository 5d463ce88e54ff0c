// The esbuild recipe: esbuild leaves the package's
// `new URL('./sw_websocket_bg.wasm', import.meta.url)` as it is and copies no
// .wasm, so the module is imported with the file loader
// (`--loader:.wasm=file`): esbuild copies it beside the bundle and the import
// is its URL ("./sw_websocket_bg-HASH.wasm"), which start() is given.
import { start } from 'sw-websocket/worker';
import wasm from 'sw-websocket/sw_websocket_bg.wasm';
import { answerPages } from '../shared/protocol.js';

const socket = start({ storageKey: 'bundler-esbuild', wasm });
answerPages(socket);
