// Keeps wasm-bindgen-test-runner's HTTP server from stranding a request.
//
//   node tools/runner-nudge.mjs
//
// Prints a free loopback port on its first line (give it to the runner as
// WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:PORT), then opens one short connection to
// that port every 500 ms until it is killed.
//
// Why: the runner serves the test page with tiny_http, which runs each
// connection as a task on a thread pool and keeps the thread for as long as the
// browser keeps the connection alive. When several connections arrive at once,
// the pool can count a waiting thread twice: one task is queued with no thread
// left to wake. Chromium fetches the service worker's module imports in
// parallel, so now and then one of them (seen: the glue snippet) never gets an
// answer, the worker stays "starting", and the runner times out having seen no
// test at all. A connection that arrives later runs on a fresh thread, which
// then takes the stranded task from the queue: each nudge is such a
// connection, so a stranded import waits at most about half a second.
import net from 'node:net';

const EVERY_MS = 500;

function nudge(port) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('connect', () =>
    socket.end('GET /__nudge HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
  );
  socket.on('data', () => {});
  // Refused until the runner listens; that is expected.
  socket.on('error', () => {});
  socket.setTimeout(2000, () => socket.destroy());
}

const probe = net.createServer();
probe.listen(0, '127.0.0.1', () => {
  const { port } = probe.address();
  probe.close(() => {
    process.stdout.write(`${port}\n`);
    setInterval(() => nudge(port), EVERY_MS);
  });
});
