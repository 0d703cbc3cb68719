// `npm run web`: the same app in a browser. Starts the app's web server and the local gateway service
// (SIP over UDP/TCP/TLS for accounts without a WebSocket server) on 127.0.0.1, and prints the one URL
// to open: its fragment carries the service's port and the secret made at this start.
//
// The service is TypeScript shared with Electron main (electron/gateway); Vite's module runner loads it.
import { runnerImport } from 'vite';

const { module } = await runnerImport('./electron/gateway/service/web-app.ts');
const log = {
  debug: () => undefined,
  info: (message) => console.log(`[gateway] ${message}`),
  warn: (message) => console.warn(`[gateway] ${message}`),
  error: (message) => console.error(`[gateway] ${message}`),
};
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const app = await module.startWebApp({ mode: 'dev', log, ...(port ? { port } : {}) });

console.log(
  `\n  Ringline is running. Open this address in your browser (Chromium, Chrome, Edge or Firefox):\n`,
);
console.log(`    ${app.url()}\n`);
console.log(
  '  The part after # lets the page use the local SIP gateway (UDP, TCP and TLS accounts); it is made anew\n' +
    '  at every start and never leaves your machine. Without it the page still works with WebSocket (WSS)\n' +
    '  accounts. Press Ctrl+C to stop.\n',
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    app.close().finally(() => process.exit(0));
  });
}
