/**
 * The browser build's local gateway service in a process of its own, as `npm run web` runs it
 * (build/scripts/web.mjs: Vite's module runner loads the same TypeScript), so that the media-bridge
 * bench can read the CPU of the process the product bridges calls in, and of nothing else. It serves
 * the built renderer (`preview`, as the e2e fixture does) rather than Vite's dev server, whose file
 * watching is no part of a call.
 *
 * Started with `fork`; it talks to the bench over the IPC channel:
 * - sends `{ kind: 'ready', url }` once the page can be opened at `url`;
 * - answers `{ kind: 'reports' }` with `{ kind: 'reports', reports }` (the bridge's media reports);
 * - `{ kind: 'profile-start' }` / `{ kind: 'profile-stop', path }` take a V8 CPU profile of this
 *   process between the two and write it to `path`, then answer `{ kind: 'profiled' }`;
 * - exits when the channel closes.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { runnerImport } from 'vite';

const { module } = await runnerImport('./electron/gateway/service/web-app.ts');
const quiet = () => undefined;
const log = {
  debug: quiet,
  info: quiet,
  warn: (message) => console.warn(`[gateway] ${message}`),
  error: (message) => console.error(`[gateway] ${message}`),
};
const app = await module.startWebApp({ mode: 'preview', log });
const send = (message) => process.send?.(message);
let profiler;

process.on('message', async (message) => {
  switch (message.kind) {
    case 'reports':
      send({ kind: 'reports', reports: app.service.mediaReports() });
      break;
    case 'profile-start':
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      send({ kind: 'profiling' });
      break;
    case 'profile-stop': {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      await writeFile(message.path, JSON.stringify(profile));
      send({ kind: 'profiled' });
      break;
    }
  }
});
process.on('disconnect', () => {
  app.close().finally(() => process.exit(0));
});
send({ kind: 'ready', url: app.url() });
