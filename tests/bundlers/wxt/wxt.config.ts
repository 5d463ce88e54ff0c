// WXT writes the manifest: the permissions and the CSP sw-websocket needs are
// set here; the background's "type": "module" comes from defineBackground.
import { defineConfig } from 'wxt';

export default defineConfig({
  outDir: '../../../target/bundlers',
  outDirTemplate: 'wxt',
  manifest: {
    name: 'sw-websocket under WXT (test)',
    minimum_chrome_version: '116',
    permissions: ['storage', 'alarms'],
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
  },
});
