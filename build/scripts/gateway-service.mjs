// The browser build's local gateway service (electron/gateway/service/web-app.ts), loaded the way
// Electron main gets the same code: bundled by Vite (vite.gateway.config.ts), then imported by Node.
//
// Why not Vite's module runner (`runnerImport`), which loads the TypeScript as is: it rewrites every
// import into a property read on a module object with a getter per export, so each call between the
// gateway's modules costs a lookup and a getter call. The media bridge makes a few dozen such calls
// for every packet it relays, and V8 takes tens of seconds of a call to optimise them away; bundled,
// they are plain function calls from the start, as in Electron main.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');

/** Builds the service and returns its module (`startWebApp`). */
export async function loadWebApp() {
  // In a process of its own: the bundler's memory is not left in the heap of the process that
  // relays the calls' media.
  const vite = resolve(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'vite.gateway.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return import(pathToFileURL(resolve(ROOT, 'out/gateway/service/web-app.js')).href);
}
