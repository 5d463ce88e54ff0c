// The demo extension's service worker. `start()` registers the listeners the
// socket needs at the top level (alarms, start-up, install, and the message
// protocol for this extension's own pages), loads the wasm module and resumes
// the stored connection; events that come earlier wait for it.
import { start } from './pkg/worker.js';

start({ storageKey: 'sw-websocket', commands: true });
