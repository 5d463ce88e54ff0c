// A load figure for the Cloudflare Worker example's inbound mode, run by hand
// (not part of ./build.sh test or bench): one room under workerd, N plain
// Node WebSocket clients in it with the mode on (each sends sw.resume after
// it opens and acks each sw.msg it gets), and one more client that sends a
// text to the room every INTERVAL ms for SECONDS s.
//
//   ./build.sh build   # once: examples/cloudflare-worker/build
//   node --experimental-websocket tests/bench/worker-load.mjs [--clients 300] [--interval-ms 50] [--seconds 30] [--plain]
//
// --plain: the clients do not resume (the room's plain broadcast, for
// comparison; the room still logs each message).
//
// Prints the time from a send to its receipt by each client and by every
// client (p50, p99, max), the sw.msg frames delivered per second, workerd's
// resident memory (VmRSS of /proc/<pid>/status) and CPU time, and one JSON
// line with all of it. The clients, the sender and workerd share the machine.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkerd, unique } from '../e2e/workerd.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const CLIENTS = arg('clients', 300);
const INTERVAL_MS = arg('interval-ms', 50);
const SECONDS = arg('seconds', 30);
const PLAIN = process.argv.includes('--plain');
const DRAIN_MS = 10_000; // the longest wait for the last deliveries
const log = (line) => console.log(`[worker-load ${(performance.now() / 1000).toFixed(1).padStart(5)} s] ${line}`);

if (typeof WebSocket !== 'function') {
  throw new Error('no global WebSocket: run node 22+, or node 20 with --experimental-websocket');
}

/** VmRSS of a process, in MiB. */
function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kb / 1024;
}

/** User + system CPU time of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: clock ticks (100/s)
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (x) => `${x.toFixed(1)} ms`;

/** Opens a WebSocket; resolves once open, rejects after 10 s or on an error. */
function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`${url}: not open after 10 s`)), 10_000);
    ws.addEventListener('open', () => { clearTimeout(timer); resolve(ws); });
    ws.addEventListener('error', () => { clearTimeout(timer); reject(new Error(`${url}: failed to open`)); });
  });
}

const sent = []; // per message: the send time
const received = []; // per message: how many clients got it, and when the last did
const latencies = []; // per delivery: receipt - send
let unexpected = 0;

/** A client with the inbound mode on: resumes after 0, acks each sw.msg (--plain: neither). */
async function client(url) {
  const ws = await open(url);
  ws.addEventListener('message', (event) => {
    const now = performance.now();
    const text = typeof event.data === 'string' ? event.data : '';
    const frame = PLAIN ? { type: 'sw.msg', data: text } : text.startsWith('{') ? JSON.parse(text) : null;
    if (frame?.type !== 'sw.msg' || !String(frame.data).startsWith('m')) {
      unexpected++;
      return;
    }
    const seq = Number(String(frame.data).slice(1));
    latencies.push(now - sent[seq]);
    const r = (received[seq] ??= { count: 0, last: 0 });
    r.count++;
    r.last = now;
    if (!PLAIN) ws.send(`{"type":"sw.ack","id":${frame.id}}`);
  });
  if (!PLAIN) ws.send('{"type":"sw.resume","after":0}');
  return ws;
}

const wd = await startWorkerd();
const cpuStart = cpuSeconds(wd.pid);
const rss = { idle: rssMiB(wd.pid) };
log(`workerd pid ${wd.pid}, VmRSS ${rss.idle.toFixed(1)} MiB; ${CLIENTS} ${PLAIN ? 'plain' : 'inbound'} clients, a message every ${INTERVAL_MS} ms for ${SECONDS} s`);
const room = `${wd.url}/ws/${unique('load')}`;
const connectStarted = performance.now();
const sockets = [];
for (let i = 0; i < CLIENTS; i += 50) {
  const batch = Array.from({ length: Math.min(50, CLIENTS - i) }, (_, j) => client(`${room}?client=load-${i + j}`));
  sockets.push(...(await Promise.all(batch)));
}
const sender = await open(room);
const connectMs = performance.now() - connectStarted;
await sleep(1_000);
rss.connected = rssMiB(wd.pid);
log(`${CLIENTS} clients open${PLAIN ? '' : ' and resumed'} in ${connectMs.toFixed(0)} ms; VmRSS ${rss.connected.toFixed(1)} MiB`);

let peak = rss.connected;
const series = []; // VmRSS each 5 s of the run, MiB
let ticks = 0;
const sampler = setInterval(() => {
  const now = rssMiB(wd.pid);
  peak = Math.max(peak, now);
  if (++ticks % 20 === 0) series.push(Math.round(now));
}, 250);
const cpuBefore = cpuSeconds(wd.pid);
const nodeCpuBefore = process.cpuUsage();
const count = Math.round((SECONDS * 1000) / INTERVAL_MS);
const started = performance.now();
for (let seq = 0; seq < count; seq++) {
  const due = started + seq * INTERVAL_MS;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  sent[seq] = performance.now();
  sender.send(`m${seq}`);
}
const sendEnd = performance.now();
const expected = count * CLIENTS;
const drainUntil = sendEnd + DRAIN_MS;
while (latencies.length < expected && performance.now() < drainUntil) await sleep(20);
const lastReceipt = Math.max(...received.filter(Boolean).map((r) => r.last));
clearInterval(sampler);
const cpuRun = cpuSeconds(wd.pid) - cpuBefore;
const nodeCpu = process.cpuUsage(nodeCpuBefore);
const nodeCpuRun = (nodeCpu.user + nodeCpu.system) / 1e6;
rss.peak = Math.max(peak, rssMiB(wd.pid));
rss.end = rssMiB(wd.pid);

const perDelivery = [...latencies].sort((a, b) => a - b);
const complete = received.filter((r) => r?.count === CLIENTS);
// Per message that reached every client: the time until the last one got it.
const perMessage = received
  .map((r, seq) => (r.count === CLIENTS ? r.last - sent[seq] : null))
  .filter((x) => x !== null)
  .sort((a, b) => a - b);
const spanS = (lastReceipt - started) / 1000;
const result = {
  clients: CLIENTS,
  mode: PLAIN ? 'plain' : 'inbound',
  intervalMs: INTERVAL_MS,
  seconds: SECONDS,
  messages: count,
  deliveries: latencies.length,
  expectedDeliveries: expected,
  messagesReachingAll: complete.length,
  unexpectedFrames: unexpected,
  connectMs: Math.round(connectMs),
  deliveryMs: { p50: quantile(perDelivery, 0.5), p99: quantile(perDelivery, 0.99), max: perDelivery.at(-1) },
  allClientsMs: { p50: quantile(perMessage, 0.5), p99: quantile(perMessage, 0.99), max: perMessage.at(-1) },
  deliveredPerSecond: latencies.length / spanS,
  sendSpanS: (sendEnd - started) / 1000,
  workerdRssMiB: { ...rss, every5s: series },
  workerdCpuSeconds: { run: cpuRun, total: cpuSeconds(wd.pid) - cpuStart },
  clientsCpuSeconds: nodeCpuRun,
  node: process.version,
};
log(`${result.deliveries} of ${expected} deliveries (${complete.length} of ${count} messages reached all ${CLIENTS}); ${unexpected} unexpected frames`);
log(`send to each client's receipt: p50 ${ms(result.deliveryMs.p50)}, p99 ${ms(result.deliveryMs.p99)}, max ${ms(result.deliveryMs.max)}`);
log(`send to every client's receipt: p50 ${ms(result.allClientsMs.p50)}, p99 ${ms(result.allClientsMs.p99)}, max ${ms(result.allClientsMs.max)}`);
log(`delivered: ${result.deliveredPerSecond.toFixed(0)} ${PLAIN ? 'texts' : 'sw.msg frames'}/s over ${spanS.toFixed(1)} s`);
log(`workerd VmRSS: idle ${rss.idle.toFixed(1)}, ${CLIENTS} connected ${rss.connected.toFixed(1)}, peak ${rss.peak.toFixed(1)}, end ${rss.end.toFixed(1)} MiB (every 5 s: ${series.join(', ')}); CPU ${cpuRun.toFixed(1)} s in the ${spanS.toFixed(1)} s run (the clients' node: ${nodeCpuRun.toFixed(1)} s)`);
console.log(JSON.stringify(result));
for (const ws of [...sockets, sender]) ws.close();
await wd.stop();
process.exit(result.deliveries === expected ? 0 : 1);
