import { describe, expect, it } from 'vitest';
import { isRestrictedPort, refusedWebSocketPort } from '../../../electron/common/unsafe-ports';

describe('ports Chromium refuses (ERR_UNSAFE_PORT)', () => {
  it('includes the SIP ports and the rest of the list measured against Chromium 156', () => {
    for (const port of [5060, 5061, 1, 9, 25, 143, 993, 2049, 6000, 6697, 10080])
      expect(isRestrictedPort(port)).toBe(true);
  });

  it('leaves the ports SIP WebSocket servers use, and the two Fetch-list ports Chromium still allows', () => {
    for (const port of [443, 8089, 7443, 8443, 5062, 5066, 80, 8080, 4190, 6679])
      expect(isRestrictedPort(port)).toBe(false);
  });

  it('reads the port written in a wss:// URL', () => {
    expect(refusedWebSocketPort('wss://pbx.example.com:5060/ws')).toBe(5060);
    expect(refusedWebSocketPort(' wss://[2001:db8::1]:5061 ')).toBe(5061);
    expect(refusedWebSocketPort('wss://pbx.example.com:8089/ws')).toBeNull();
    // No port: 443, which is fine; not a URL: other checks explain that.
    expect(refusedWebSocketPort('wss://pbx.example.com/ws')).toBeNull();
    expect(refusedWebSocketPort('pbx.example.com:5060')).toBeNull();
  });
});
