import type { IceServerSetting } from '@common/contract';

/**
 * The account's STUN/TURN servers as `RTCIceServer`s. A TURN server gets its user name and its
 * credential (kept by the host like a password); STUN servers take none.
 */
export function iceServersFor(
  servers: readonly IceServerSetting[],
  credentials: readonly (string | null)[],
): RTCIceServer[] {
  return servers.map((server, index) => {
    const credential = credentials[index];
    const turn = /^turns?:/i.test(server.url);
    return turn && server.username && credential
      ? { urls: server.url, username: server.username, credential }
      : { urls: server.url };
  });
}
