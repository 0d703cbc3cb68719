/**
 * Ports Chromium refuses to connect to for HTTP and WebSocket (`net::ERR_UNSAFE_PORT`), whatever the
 * server: `kRestrictedPorts` in Chromium's `net/base/port_util.cc`, which follows the Fetch standard's
 * "bad port" list (https://fetch.spec.whatwg.org/#bad-port). 5060 and 5061 joined it in 2020 because
 * NAT devices that inspect SIP on them can be tricked into opening ports ("NAT Slipstreaming").
 *
 * Measured against this project's Chromium (156): every port below is refused; 4190 and 6679, which
 * the Fetch list also names, are not. A WebSocket address on one of these can never connect, so it is
 * refused before anything is tried, with the reason. (UDP/TCP/TLS through the gateway is plain
 * sockets: 5060/5061 are exactly right there.)
 *
 * Free of Electron and Node imports: the renderer bundles it.
 */
const CHROMIUM_RESTRICTED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080,
]);

/** Whether Chromium refuses every connection to this port. */
export function isRestrictedPort(port: number): boolean {
  return CHROMIUM_RESTRICTED_PORTS.has(port);
}

/**
 * The port of a `wss:` URL that Chromium would refuse to open, or null (no explicit port, a usable
 * one, or not a URL at all: other checks say what is wrong with those).
 */
export function refusedWebSocketPort(url: string): number | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.port === '') return null;
  const port = Number(parsed.port);
  return isRestrictedPort(port) ? port : null;
}
