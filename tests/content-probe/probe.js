// A content script added to a copy of the demo extension by the security
// test. It asks the worker what a web page's script could make it ask, and
// leaves the answers in the page's DOM for the test to read.
(async () => {
  const tries = [
    { cmd: 'send', data: 'from a content script' },
    { cmd: 'connect', url: new URL('/ws?tag=content-evil', location.href).href.replace(/^http/, 'ws') },
    { cmd: 'close', code: 4000, reason: 'from a content script' },
    { cmd: 'clearOutbox' },
    { cmd: 'status' },
  ];
  const results = [];
  for (const request of tries) {
    try {
      results.push({ request, reply: await chrome.runtime.sendMessage(request) });
    } catch (error) {
      results.push({ request, error: String(error?.message ?? error) });
    }
  }
  document.documentElement.dataset.swProbe = JSON.stringify(results);
})();
