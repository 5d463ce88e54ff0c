// The test's own small protocol, the same in the three extensions: their page
// asks {bundler: 'connect' | 'send' | 'status' | 'texts'} and the worker
// answers with the socket that start() returned. Only the import lines and the
// start() call differ between the bundlers (in each one's service worker).

/** Answers this extension's own pages; keeps the last texts the server sent. */
export function answerPages(socket) {
  const texts = [];
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') texts.push(event.data);
    if (texts.length > 20) texts.shift();
  });

  async function answer(request) {
    switch (request.bundler) {
      case 'connect':
        await socket.connect(request.url, request.options);
        return { ok: true };
      case 'send':
        return { ok: true, ...(await socket.send(request.data ?? '')) };
      case 'status':
        return { ok: true, status: await socket.status() };
      case 'texts':
        return { ok: true, texts };
      default:
        return { ok: false, error: { kind: 'unknown', message: `unknown request ${request.bundler}` } };
    }
  }

  chrome.runtime.onMessage.addListener((request, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || typeof request?.bundler !== 'string') return false;
    answer(request)
      .catch((error) => ({ ok: false, error: { kind: error?.kind ?? 'error', message: String(error?.message ?? error) } }))
      .then(sendResponse);
    return true;
  });
}
