// The popup: shows the worker's live status and drives it with runtime messages.
const $ = (id) => document.getElementById(id);

async function ask(request) {
  const reply = await chrome.runtime.sendMessage(request);
  if (!reply || !reply.ok) {
    const error = reply?.error ?? { kind: 'no_reply', message: 'the worker did not answer' };
    throw Object.assign(new Error(error.message), { kind: error.kind });
  }
  return reply;
}

function showProblem(error) {
  $('problem').hidden = !error;
  $('problem').textContent = error ? `${error.kind ?? 'error'}: ${error.message}` : '';
}

function seconds(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function render(status, messages) {
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
  const list = $('messages');
  list.replaceChildren(...messages.map((m) => {
    const item = document.createElement('li');
    item.textContent = m.type === 'text' ? m.data : `binary, ${m.bytes} bytes`;
    return item;
  }));
}

async function refresh() {
  try {
    const [{ status }, { messages }] = await Promise.all([
      ask({ swWebSocket: 'status' }),
      ask({ swWebSocket: 'received', limit: 10 }),
    ]);
    render(status, messages);
  } catch (error) {
    showProblem(error);
  }
}

async function act(request) {
  try {
    await ask(request);
    showProblem(null);
  } catch (error) {
    showProblem(error);
  }
  await refresh();
}

$('connectForm').addEventListener('submit', (event) => {
  event.preventDefault();
  const options = $('keepaliveInput').checked
    ? { keepaliveMs: Number($('keepaliveMs').value) }
    : { keepalive: false };
  act({ swWebSocket: 'connect', url: $('urlInput').value.trim(), options });
});
$('closeButton').addEventListener('click', () => act({ swWebSocket: 'close' }));
$('sendForm').addEventListener('submit', (event) => {
  event.preventDefault();
  act({ swWebSocket: 'send', data: $('messageInput').value }).then(() => { $('messageInput').value = ''; });
});

refresh();
// Live status while the popup is open. Each poll is an event that keeps the
// worker awake, so lifetime tests close the popup first.
setInterval(refresh, 1000);
