// The popup: the worker's socket through sw-websocket/page. Events are
// pushed to it (the recent history first); it asks for nothing by itself,
// so an open popup with no traffic lets the worker stop.
import { PageSocket } from './pkg/page.js';

const $ = (id) => document.getElementById(id);
const socket = new PageSocket({ storageKey: 'sw-websocket' });
const MESSAGES_SHOWN = 10;

function showProblem(error) {
  $('problem').hidden = !error;
  $('problem').textContent = error ? `${error.kind ?? 'error'}: ${error.message}` : '';
}

function seconds(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function render() {
  const status = socket.lastStatus;
  $('worker').textContent = socket.workerRunning ? 'worker running' : 'worker stopped';
  $('worker').dataset.running = String(socket.workerRunning);
  if (!status) return;
  $('state').textContent = status.state;
  $('state').dataset.state = status.state;
  $('url').textContent = status.url ?? 'not connected';
  for (const key of ['sent', 'received', 'keepalives', 'connects', 'reconnects', 'outbox', 'workerStarts']) {
    $(key).textContent = String(status[key]);
  }
  $('uptime').textContent = status.openedAt ? seconds(Date.now() - status.openedAt) : '-';
  const close = status.lastClose;
  $('lastClose').hidden = !close;
  if (close) $('lastClose').textContent = `last close: ${close.code} ${close.reason || ''}`.trim();
  const error = status.lastError;
  $('lastError').hidden = !error;
  if (error) $('lastError').textContent = `last error: ${error.kind}: ${error.message}`;
  if (status.url && !$('urlInput').value) $('urlInput').value = status.url;
}

/** Shows a received message (the history's first), newest first, at most MESSAGES_SHOWN. */
function show(event) {
  const item = document.createElement('li');
  if (typeof event.data === 'string') item.textContent = event.data;
  else item.textContent = `binary, ${event.bytes ?? event.data?.byteLength ?? 0} bytes`;
  if (event.history) item.classList.add('history');
  $('messages').prepend(item);
  while ($('messages').children.length > MESSAGES_SHOWN) $('messages').lastChild.remove();
}

socket.addEventListener('message', (event) => { show(event); render(); });
for (const type of ['worker', 'open', 'close', 'state', 'error', 'ack', 'gaveup']) socket.addEventListener(type, render);

async function act(call) {
  try {
    await call();
    showProblem(null);
  } catch (error) {
    showProblem(error);
  }
}

$('connectForm').addEventListener('submit', (event) => {
  event.preventDefault();
  const options = $('keepaliveInput').checked
    ? { keepaliveMs: Number($('keepaliveMs').value) }
    : { keepalive: false };
  act(() => socket.connect($('urlInput').value.trim(), options));
});
$('closeButton').addEventListener('click', () => act(() => socket.close()));
$('sendForm').addEventListener('submit', (event) => {
  event.preventDefault();
  act(async () => {
    await socket.send($('messageInput').value);
    $('messageInput').value = '';
  });
});

// The uptime ticks here, from the last status: nothing is asked of the worker.
setInterval(() => { if (socket.lastStatus?.openedAt) render(); }, 1000);
