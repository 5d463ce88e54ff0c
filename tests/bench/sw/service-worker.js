// The benchmark worker (not shipped): sw-websocket and the browser's own
// WebSocket measured side by side in the same worker. tests/bench/bench.mjs
// talks to it from an extension page with chrome.runtime.sendMessage.
//
// Its start-up path is the demo extension's: the SwWebSocket of worker.js
// made at the top level (it loads the module and resumes), as start() does.
import { SwWebSocket, initEngine } from './pkg/worker.js';
import { echo, interleaved, next, openRaw, payload, rawEndpoint, sleep, swEndpoint } from './echo.js';
import { inboundCommands } from './inbound.js';

let openedAt = null; // performance.now() at the main socket's first open event
const whenOpen = [];
let wasm = null;
const marks = { script: performance.now() }; // where start-up time goes

// As start() does: the socket made at the top level (it starts reading its
// stored state at once, while the module loads), its listeners added there.
const sw = new SwWebSocket({ storageKey: 'bench' });
sw.addEventListener('open', () => {
  openedAt ??= performance.now();
  whenOpen.splice(0).forEach((resolve) => resolve());
});
const ready = sw.ready.then(async () => {
  // The socket loaded the module: its binding marks when (socket.js).
  marks.init = performance.getEntriesByName('sw-websocket:wasm-ready')[0]?.startTime;
  marks.resume = performance.now();
  wasm = await initEngine(); // the instance the socket uses, for the memory figures
  return sw;
});

chrome.runtime.onMessage.addListener((request, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  ready
    .then((sw) => commands[request.cmd](sw, request))
    .then(reply, (error) => reply({ error: String(error?.stack ?? error) }));
  return true;
});
chrome.alarms.onAlarm.addListener((alarm) => { ready.then((sw) => sw.handleAlarm(alarm)); });

const opened = () => (openedAt !== null ? Promise.resolve() : new Promise((r) => whenOpen.push(r)));
async function openSw(key, url, options = {}) {
  const sw = new SwWebSocket({ storageKey: key });
  const open = next(sw, 'open');
  sw.connect(url, options);
  await open;
  return sw;
}

const extra = new Map(); // storageKey -> SwWebSocket, for the sockets beside the main one
let raw = null; // the browser's own WebSocket of the throughput runs
let rawTwin = null; // a second one, for the calibration runs
let busyTimer = null;

const commands = {
  ...inboundCommands,
  /** Connects the main socket (the one resume() brings back at every start). */
  async connect(sw, { url }) {
    if ((await sw.status()).intent === 'open') sw.close(1000);
    const open = next(sw, 'open');
    sw.connect(url, {});
    await open;
    return { ok: true };
  },

  async startup() {
    await opened();
    return { openMs: openedAt, marks };
  },

  /** One throughput run: `count` messages each way, sw and raw interleaved in batches. */
  async throughput(sw, { url, kind, size, count, mode, batch, calibrate }) {
    const data = payload(kind, size);
    // Kept open across runs, like sw-websocket's socket.
    raw ??= await openRaw(url);
    if ((await sw.status()).state !== 'open') await next(sw, 'open');
    const failures = [];
    // `calibrate`: a second raw socket in sw-websocket's place (an A/A run: how
    // far the method itself is from 1).
    if (calibrate) rawTwin ??= await openRaw(url.replace('tag=raw', 'tag=raw2'));
    const first = calibrate ? rawEndpoint(rawTwin) : swEndpoint(sw, failures);
    const ms = await interleaved({ sw: first, raw: rawEndpoint(raw) }, data, count, mode, batch);
    if (failures.length) throw new Error(`${failures.length} sends failed: ${failures[0]}`);
    return { ms };
  },

  /** Two more sockets: one left idle, one sending a short text every second. */
  async keepaliveStart(_sw, { url }) {
    extra.set('bench-idle', await openSw('bench-idle', `${url}?tag=ka-idle`));
    const busy = await openSw('bench-busy', `${url}?tag=ka-busy`);
    extra.set('bench-busy', busy);
    busyTimer = setInterval(() => { busy.send('tick').catch(() => {}); }, 1000);
    return { ok: true };
  },

  async keepaliveStop() {
    clearInterval(busyTimer);
    for (const key of ['bench-idle', 'bench-busy']) extra.get(key)?.close(1000);
    return { ok: true };
  },

  /** `count` sends while no server answers: storage writes and time until all are stored. */
  async queued(_sw, { count, size }) {
    const key = 'bench-queue';
    let writes = 0;
    const onChanged = (changes, area) => { if (area === 'local' && key in changes) writes++; };
    const sw = new SwWebSocket({ storageKey: key });
    sw.connect('ws://127.0.0.1:9/nobody-listens', {});
    await sleep(200);
    chrome.storage.onChanged.addListener(onChanged);
    const data = 'q'.repeat(size);
    const start = performance.now();
    const sends = [];
    for (let i = 0; i < count; i++) sends.push(sw.send(data));
    const results = await Promise.allSettled(sends);
    const ms = performance.now() - start;
    await sleep(100); // onChanged is dispatched after the write's promise
    chrome.storage.onChanged.removeListener(onChanged);
    const stored = (await chrome.storage.local.get(key))[key];
    const rejected = results.filter((r) => r.status === 'rejected').length;
    sw.clearOutbox();
    sw.close();
    return { writes, ms, stored: stored?.outbox?.length ?? 0, rejected, state: (await sw.status()).state };
  },

  /**
   * `count` reliable messages of `size` bytes, from the first send() to the
   * server's ack of the last (pipelined), or each sent after the previous
   * one's ack (roundtrip); beside it the raw socket sending the same frames
   * and waiting for the same acks. The sw side's first round starts right
   * after connect: the write that reserves its first ids is part of it.
   */
  async reliable(_sw, { url, count, size, mode, round }) {
    const key = `bench-reliable-${round}`;
    const data = 'r'.repeat(size);
    const sw = await openSw(key, `${url}?tag=rel`, { reliable: true });
    let ackedUpTo = 0;
    let waiting = null;
    // The server's acks may come out of order (each is its own task there).
    sw.addEventListener('ack', (event) => { ackedUpTo = Math.max(ackedUpTo, event.id); waiting?.(); });
    const acked = (id) => (ackedUpTo >= id ? Promise.resolve() : new Promise((r) => { waiting = () => { if (ackedUpTo >= id) r(); }; }));
    const start = performance.now();
    if (mode === 'pipelined') {
      const sends = [];
      for (let i = 0; i < count; i++) sends.push(sw.send(data));
      const ids = (await Promise.all(sends)).map((r) => r.id);
      await acked(Math.max(...ids));
    } else {
      for (let i = 0; i < count; i++) await acked((await sw.send(data)).id);
    }
    const swMs = performance.now() - start;
    sw.close(1000);
    await chrome.storage.local.remove([key]);

    const ws = await openRaw(`${url}?tag=relraw${round}`);
    let rawAcked = 0;
    let rawWaiting = null;
    ws.onmessage = (event) => { rawAcked = Math.max(rawAcked, JSON.parse(event.data).id); rawWaiting?.(); };
    const rawAck = (id) => (rawAcked >= id ? Promise.resolve() : new Promise((r) => { rawWaiting = () => { if (rawAcked >= id) r(); }; }));
    const frame = (id) => `{"type":"sw.msg","id":${id},"dup":false,"data":${JSON.stringify(data)}}`;
    const rawStart = performance.now();
    if (mode === 'pipelined') {
      for (let id = 1; id <= count; id++) ws.send(frame(id));
      await rawAck(count);
    } else {
      for (let id = 1; id <= count; id++) { ws.send(frame(id)); await rawAck(id); }
    }
    const rawMs = performance.now() - rawStart;
    ws.close(1000);
    return { ms: { sw: swMs, raw: rawMs } };
  },

  /** One binary message of `size` bytes through the main socket and back. */
  async big(sw, { size }) {
    const data = new Uint8Array(payload('binary', size));
    const back = next(sw, 'message');
    const start = performance.now();
    await sw.send(data.buffer);
    const event = await back;
    const ms = performance.now() - start;
    const got = new Uint8Array(event.data);
    let same = got.length === data.length;
    for (let i = 0; same && i < got.length; i++) same = got[i] === data[i];
    return { ms, exact: same, bytes: got.length };
  },

  /** `messages` echoed messages and `reconnects` server-side drops on a socket of its own. */
  async churn(_sw, { url, control, messages, reconnects }) {
    const options = { backoffBaseMs: 1, backoffMaxMs: 20 };
    const sw = extra.get('bench-churn') ?? await openSw('bench-churn', `${url}?tag=churn`, options);
    extra.set('bench-churn', sw);
    const failures = [];
    const endpoint = swEndpoint(sw, failures);
    const data = payload('text', 1024);
    const perRound = reconnects ? Math.floor(messages / reconnects) : messages;
    let sent = 0;
    for (let round = 0; sent < messages || round < reconnects; round++) {
      const n = Math.min(perRound, messages - sent);
      if (n > 0) await echo(endpoint, data, n, 'pipelined');
      sent += n;
      if (round < reconnects) {
        const open = next(sw, 'open');
        await fetch(`${control}/control/close?tag=churn&code=4000`, { method: 'POST' });
        await open;
      }
    }
    if (failures.length) throw new Error(`${failures.length} sends failed: ${failures[0]}`);
    return { sent, reconnects: (await sw.status()).reconnects ?? null };
  },

  async churnClose() {
    extra.get('bench-churn')?.close(1000);
    extra.delete('bench-churn');
    return { ok: true };
  },

  /** The wasm instance's linear memory, in bytes. */
  async memory() {
    return { wasmBytes: wasm?.memory?.buffer.byteLength ?? null };
  },

  async close(sw) {
    sw.close(1000);
    return { ok: true };
  },
};
