// The server this test extension connects to: config.js is written by the
// end-to-end test (tests/e2e/consumer.test.mjs) before the browser starts.
import type { SwWebSocketOptions } from './vendor/sw-websocket/worker.js';

export const SERVER_URL: string;
export const OPTIONS: SwWebSocketOptions;
