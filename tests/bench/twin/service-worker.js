// The baseline for the start-up figure: what an extension author writes by hand
// after reading Chrome's WebSocket sample. One socket, a 20 s keepalive while it
// is open, and (so that it comes back after the worker was stopped, as
// sw-websocket does) the URL kept in chrome.storage.local and reopened at start.
const scriptAt = performance.now(); // where start-up time goes
let socket = null;
let openedAt = null; // performance.now() at the first open event of this worker
const whenOpen = [];

function connect(url) {
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    openedAt ??= performance.now();
    whenOpen.splice(0).forEach((resolve) => resolve());
    keepAlive(ws);
  };
  ws.onclose = () => { if (socket === ws) socket = null; };
}

function keepAlive(ws) {
  const timer = setInterval(() => {
    if (ws.readyState === WebSocket.OPEN) ws.send('keep alive');
    else clearInterval(timer);
  }, 20_000);
}

const opened = () => (openedAt !== null ? Promise.resolve() : new Promise((r) => whenOpen.push(r)));

// Reconnect at start when a URL was stored.
chrome.storage.local.get('url').then(({ url }) => { if (url && !socket) connect(url); });

chrome.runtime.onMessage.addListener((request, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (request.cmd === 'connect') {
    socket?.close(1000);
    openedAt = null;
    chrome.storage.local.set({ url: request.url })
      .then(() => { connect(request.url); return opened(); })
      .then(() => reply({ ok: true }));
  } else if (request.cmd === 'startup') {
    opened().then(() => reply({ openMs: openedAt, marks: { script: scriptAt } }));
  } else if (request.cmd === 'close') {
    chrome.storage.local.remove('url').then(() => { socket?.close(1000); reply({ ok: true }); });
  } else {
    reply({ error: `unknown cmd ${request.cmd}` });
  }
  return true;
});
