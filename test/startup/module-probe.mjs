// Preloaded (`--import`) into a bot process by footprint.test.ts: records the URL of every
// module the process loads (an ESM load hook; CommonJS through require.cache) and, at exit,
// writes them to $MODULE_PROBE_OUT, so a test can tell what a start loaded.
import { createRequire, register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const loaded = new Set();
port1.on('message', (url) => loaded.add(url));
port1.unref();
register('./module-probe-hooks.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
const require = createRequire(import.meta.url);
process.on('exit', () => {
  for (const file of Object.keys(require.cache)) loaded.add(file);
  writeFileSync(process.env.MODULE_PROBE_OUT, JSON.stringify([...loaded]));
});
