// ./build.sh run: Chromium with the demo extension connected to a local server,
// its status printed as it changes, until Ctrl-C.
//
//   ./build.sh run            against the test server (tests/server)
//   ./build.sh run --worker   against the Cloudflare Worker example, run by workerd
if (process.argv.includes('--worker')) {
  await import('./run-worker.mjs');
} else {
  await import('./run-server.mjs');
}
