/**
 * The WebRTC leg only ever talks to Chromium, which runs on this machine. A renderer that names a
 * far-away ICE candidate (it writes the SDP) must not get werift to send STUN checks there, so
 * candidate pairs are formed only with addresses of this machine.
 */
import { networkInterfaces } from 'node:os';

/** Whether `address` is this machine's: loopback, or bound to one of its interfaces now. */
export function isThisMachine(address: string): boolean {
  if (/^127\./.test(address) || address === '::1') return true;
  return Object.values(networkInterfaces()).some((entries) =>
    (entries ?? []).some((entry) => entry.address === address),
  );
}
