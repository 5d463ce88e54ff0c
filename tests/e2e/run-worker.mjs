// ./build.sh run --worker (see run.mjs): workerd runs the Cloudflare Worker
// example; Chromium's demo extension joins room "demo" with the Worker's pong
// as its heartbeat reply. A second client in the room (this terminal) prints
// what the room hears and sends each line typed here: the popup shows it.
import { createInterface } from 'node:readline';
import { launch, watchWorker, until, sleep } from './harness.mjs';
import { startWorkerd } from './workerd.mjs';
import { joinRoom } from './room.mjs';

const headless = !process.env.DISPLAY;
const wd = await startWorkerd();
const env = await launch({ headless });
const watch = await watchWorker(env);
const room = await joinRoom(`${wd.url}/ws/demo?client=terminal`);
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping');
  room.close();
  await watch.close();
  await env.close();
  await wd.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

const url = `${wd.url}/ws/demo?client=extension`;
console.log(`Worker (workerd): ${wd.url}/ws/<room>`);
console.log(`extension id:     ${env.extensionId} (${headless ? 'headless: no DISPLAY' : 'window'})`);
const page = await env.page('popup.html');
const options = { heartbeatReply: 'pong', reliable: true };
const reply = await env.ask(page, { swWebSocket: 'connect', url, options });
if (!reply.ok) {
  console.error('connect failed:', reply.error);
  await stop(1);
}
await until('open', async () => (await env.ask(page, { swWebSocket: 'status' })).status.state === 'open');
console.log(`extension: open in room "demo" (reliable, keepalive every 20 s answered by the Worker's pong)`);
if (headless) await page.close(); // a closed popup sends nothing: the socket alone keeps the worker
console.log('type a line to send it to the room; Ctrl-C to stop\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim()) room.send(line);
});
let heard = 0;
let last = '';
const started = Date.now();
while (!stopping) {
  const at = String(Math.round((Date.now() - started) / 1000)).padStart(5);
  for (; heard < room.messages.length; heard++) console.log(`${at} s  the room heard: ${String(room.messages[heard])}`);
  const line = `worker ${watch.status() ?? 'running'}, stops seen ${watch.stops()}`;
  if (line !== last) {
    console.log(`${at} s  ${line}`);
    last = line;
  }
  await sleep(1000);
}
