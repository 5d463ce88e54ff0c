// A minimal MV3 extension built by Vite: the service worker is the only
// entry (an ES module, as the manifest's "type": "module" asks); manifest.json
// and page.html are in public/, copied as they are.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: '../../../target/bundlers/vite',
    emptyOutDir: true,
    rolldownOptions: {
      input: 'src/service-worker.js',
      output: { entryFileNames: 'service-worker.js' },
    },
  },
});
