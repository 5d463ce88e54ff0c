// ./build.sh run (see run.mjs): the test server, Chromium with the extension
// connected to it, and the connection's status printed as it changes, until Ctrl-C.
//
// It watches from outside (the server's stats, the worker's running status on
// a page session) and sends the worker nothing after connecting, so what it
// prints is what the extension does on its own.
import { launch, startServer, watchWorker, until, sleep } from './harness.mjs';

const headless = !process.env.DISPLAY;
const server = await startServer();
const env = await launch({ headless });
const watch = await watchWorker(env);
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping');
  await watch.close();
  await env.close();
  server.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

console.log(`test server:  ${server.url} (stats: ${server.url.replace('ws://', 'http://').replace(/\/ws$/, '/stats')})`);
console.log(`extension id: ${env.extensionId} (${headless ? 'headless: no DISPLAY' : 'window'})`);
const page = await env.page('popup.html');
const reply = await env.ask(page, { swWebSocket: 'connect', url: server.url, options: {} });
if (!reply.ok) {
  console.error('connect failed:', reply.error);
  await stop(1);
}
const { status } = await until('open', async () => {
  const r = await env.ask(page, { swWebSocket: 'status' });
  return r.status.state === 'open' && r;
});
console.log(`worker status: ${status.state} to ${status.url}, keepalive every 20 s`);
if (headless) await page.close(); // a closed popup sends nothing: the socket alone keeps the worker
console.log('watching (Ctrl-C to stop): one line per change\n');

let last = '';
const started = Date.now();
while (!stopping) {
  const stats = await server.stats();
  const open = stats.perConnection.filter((c) => c.closedAt === null);
  const line = [
    `worker ${watch.status() ?? 'running'}`,
    `sockets open ${open.length} of ${stats.connections}`,
    `keepalives ${stats.keepalives}`,
    `messages ${stats.messages}`,
    ...stats.perConnection.filter((c) => c.closedAt !== null).map((c) => `#${c.id} closed ${c.closeCode ?? '-'}`),
  ].join(', ');
  if (line !== last) {
    console.log(`${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s  ${line}`);
    last = line;
  }
  await sleep(1000);
}
