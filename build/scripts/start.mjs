// `npm start` (build, then run the built app) and `npm run dev` (`--dev`: electron-vite dev server
// with hot reload).
//
// Electron >= 42 no longer downloads its binary at `npm install`; it is fetched on first use by the
// package's `install-electron` bin. electron-vite does not trigger that (it fails with
// "Electron uninstall"), so this script does it first and, when the download is impossible (offline,
// GitHub blocked), explains what to do instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dev = process.argv.slice(2).includes('--dev');

// Offline, the download fails within seconds (undici's 10 s connect timeout). The cap is for a
// transfer that stalls midway; a working connection fetches the ~100 MB archive well within it.
const DOWNLOAD_TIMEOUT_MS = 180_000;

const electronDir = dirname(require.resolve('electron/package.json'));

/** Same lookup as node_modules/electron/index.js, without its side effect of starting a download. */
function electronBinaryPresent() {
  const pathFile = join(electronDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(join(override, executable ?? 'electron'));
  return executable !== null && existsSync(join(electronDir, 'dist', executable));
}

/** The first line that says what went wrong, from the installer's output (a stack trace). */
function failureReason(result) {
  if (result.error?.code === 'ETIMEDOUT')
    return `no complete download within ${DOWNLOAD_TIMEOUT_MS / 1000} s`;
  if (result.error) return result.error.message;
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((line) => line.trim());
  return (
    lines.find((line) => /error/i.test(line)) ??
    lines.find((line) => line !== '') ??
    `exit code ${result.status}`
  );
}

function installElectron() {
  const { version, bin } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  console.log(`Electron ${version} is not installed yet; downloading it (npx install-electron)...`);
  // The `install-electron` bin run directly with this Node: what npx would run, without a shell or
  // Windows .cmd shim, and with a timeout we control.
  const result = spawnSync(process.execPath, [join(electronDir, bin['install-electron'])], {
    cwd: process.cwd(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: DOWNLOAD_TIMEOUT_MS,
  });
  if (result.status === 0 && electronBinaryPresent()) return true;
  console.error(
    `\nRingline cannot start as a desktop app: the Electron ${version} binary is not installed, and ` +
      `downloading it from GitHub failed (${failureReason(result)}), probably because this machine is ` +
      'offline or cannot reach github.com. When you are online, run `npx install-electron` and then ' +
      '`npm start` again. Until then, `npm run web` runs the same app in your browser.\n',
  );
  return false;
}

/** Runs electron-vite with inherited stdio; resolves its exit code. */
function electronVite(args) {
  const packageJson = require.resolve('electron-vite/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8'));
  const cli = join(dirname(packageJson), typeof bin === 'string' ? bin : bin['electron-vite']);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
    // Ctrl+C reaches the child too (same process group): wait for it to exit instead of dying first.
    // A SIGTERM sent to this script alone is passed on.
    const ignore = () => {};
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    const finish = (code) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (error) => {
      console.error(`Could not run electron-vite: ${error.message}`);
      finish(1);
    });
    child.on('exit', (code, signal) => finish(code ?? (signal ? 1 : 0)));
  });
}

if (!electronBinaryPresent() && !installElectron()) {
  process.exit(1);
}

if (dev) {
  process.exit(await electronVite(['dev']));
}
const built = await electronVite(['build']);
process.exit(built === 0 ? await electronVite(['preview', '--skipBuild']) : built);
