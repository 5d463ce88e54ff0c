// Helpers for the tests against the Cloudflare Worker example: a plain
// WebSocket client in a room (what it receives, and a way to send), and a
// loopback proxy that can cut the extension off the Worker while the Worker
// and the room's other clients stay up.
import net from 'node:net';
import { until } from './harness.mjs';

if (typeof WebSocket !== 'function') {
  throw new Error('node has no global WebSocket: run node 22+, or node 20 with --experimental-websocket (./build.sh does)');
}

/**
 * Opens a WebSocket to `url` (binary as ArrayBuffer); rejects after `ms`, on
 * an error (Node 20's client reports a refused upgrade with an error event
 * only) or on a close before the open.
 */
export async function openSocket(url, { name = url, ms = 5_000 } = {}) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    const fail = (why) => { clearTimeout(timer); reject(new Error(`${name}: ${why}`)); };
    const timer = setTimeout(() => fail(`not open after ${ms} ms`), ms);
    ws.addEventListener('open', () => { clearTimeout(timer); resolve(); });
    ws.addEventListener('error', (e) => fail(`failed to open (${e.message ?? 'error event'})`));
    ws.addEventListener('close', (e) => fail(`closed before it opened (code ${e.code})`));
  });
  return ws;
}

/** Joins `url` (ws://.../ws/ROOM?client=ID); resolves once open. */
export async function joinRoom(url) {
  const ws = await openSocket(url);
  const messages = [];
  ws.addEventListener('message', (event) => messages.push(event.data));
  return {
    messages,
    send: (data) => ws.send(data),
    /** Waits until the received texts include every one of `texts`. */
    async received(texts, ms = 15_000) {
      await until(`the room to receive ${texts.length} messages`, () =>
        texts.every((text) => messages.includes(text)), ms, 50);
    },
    close: () => ws.close(),
  };
}

/**
 * A TCP proxy on a free loopback port in front of `port`. `cut()` drops every
 * connection and refuses new ones (the network is down); `restore()` accepts
 * them again on the same port.
 */
export async function proxy(port) {
  const sockets = new Set();
  let server;
  const listen = (at) => new Promise((resolve, reject) => {
    server = net.createServer((client) => {
      const upstream = net.connect(port, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(at, '127.0.0.1', () => resolve(server.address().port));
  });
  const at = await listen(0);
  return {
    port: at,
    async cut() {
      await new Promise((resolve) => { server.close(resolve); for (const s of sockets) s.destroy(); });
    },
    async restore() {
      await listen(at);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
