// A content script added to a copy of the demo extension by the security
// tests. It asks the worker what a web page's script could make it ask:
// the message protocol, and the port of sw-websocket/page (raw, as a
// content script cannot import modules). It leaves the answers in the
// page's DOM for the test to read.
(async () => {
  const tries = [
    { swWebSocket: 'send', data: 'from a content script' },
    { swWebSocket: 'connect', url: new URL('/ws?tag=content-evil', location.href).href.replace(/^http/, 'ws') },
    { swWebSocket: 'close', code: 4000, reason: 'from a content script' },
    { swWebSocket: 'clearOutbox' },
    { swWebSocket: 'status' },
  ];
  const results = [];
  for (const request of tries) {
    try {
      results.push({ request, reply: await chrome.runtime.sendMessage(request) });
    } catch (error) {
      results.push({ request, error: String(error?.message ?? error) });
    }
  }
  // The page port: a hello (served) or a disconnect (refused), then one call.
  const port = chrome.runtime.connect({ name: 'sw-websocket:sw-websocket' });
  const page = await new Promise((resolve) => {
    const seen = {};
    port.onMessage.addListener((message) => {
      if (message.hello) {
        seen.hello = message.hello.status.state;
        port.postMessage({ call: 1, method: 'send', args: ['from a content script'] });
      }
      if (message.reply === 1) resolve({ ...seen, reply: message.value ?? message.error });
    });
    port.onDisconnect.addListener(() => resolve({ ...seen, disconnected: true }));
    setTimeout(() => resolve({ ...seen, timeout: true }), 5000);
  });
  document.documentElement.dataset.swProbe = JSON.stringify({ results, page });
})();
