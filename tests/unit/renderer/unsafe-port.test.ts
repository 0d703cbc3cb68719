import { afterEach, describe, expect, it, vi } from 'vitest';
import { Phone, type RegistrationSnapshot } from '../../../renderer/src/sip/phone';

/** Counts the WebSockets the page opens; the browser's own class does the work. */
function countWebSockets(): { opened: string[]; restore: () => void } {
  const Native = window.WebSocket;
  const opened: string[] = [];
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      // Counted before the browser gets it: one it refuses must still count.
      opened.push(String(url));
      super(url, protocols);
    }
  };
  return { opened, restore: () => (window.WebSocket = Native) };
}

const restores: (() => void)[] = [];
afterEach(() => restores.splice(0).forEach((restore) => restore()));

describe('a WebSocket server on a port Chromium refuses', () => {
  it('is reported at once and never tried, also when asked to reconnect', async () => {
    const sockets = countWebSockets();
    restores.push(sockets.restore);
    const snapshots: RegistrationSnapshot[] = [];
    const phone = new Phone(
      {
        accountId: 'a1',
        aor: 'sip:1001@pbx.example.com',
        displayName: '',
        authUser: '',
        password: 'secret',
        wssUrl: 'wss://pbx.example.com:5060',
        iceServers: [],
      },
      { onRegistration: (snapshot) => snapshots.push(snapshot), onCall: () => undefined },
    );
    await phone.start();
    await phone.reconnectNow(true);
    expect(snapshots.map(({ state, error }) => ({ state, error }))).toEqual([
      { state: 'failed', error: { kind: 'unsafe-port', detail: '5060' } },
      { state: 'failed', error: { kind: 'unsafe-port', detail: '5060' } },
    ]);
    expect(sockets.opened).toEqual([]);
    await phone.stop();
  });

  it('a backup server on such a port is left out; the others are tried', async () => {
    const sockets = countWebSockets();
    restores.push(sockets.restore);
    const phone = new Phone(
      {
        accountId: 'a2',
        aor: 'sip:1001@pbx.example.com',
        displayName: '',
        authUser: '',
        password: 'secret',
        // Nothing listens on these ports here: each attempt fails fast and fails over to the next.
        wssUrl: 'wss://127.0.0.1:65534/ws',
        fallbackWssUrls: ['wss://127.0.0.1:5061', 'wss://127.0.0.1:65533/ws'],
        iceServers: [],
      },
      { onRegistration: () => undefined, onCall: () => undefined },
    );
    await phone.start();
    await vi.waitFor(() => expect(sockets.opened).toContain('wss://127.0.0.1:65533/ws'), { timeout: 10_000 });
    await phone.stop();
    expect(sockets.opened.slice(0, 2)).toEqual(['wss://127.0.0.1:65534/ws', 'wss://127.0.0.1:65533/ws']);
    expect(sockets.opened.some((url) => url.includes(':5061'))).toBe(false);
  });
});
