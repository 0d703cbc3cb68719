/** Whether a SIP WebSocket server answered, as far as a page can tell. */
export type WebSocketAnswer = { ok: true } | { ok: false; detail: string };

/**
 * Opens a WebSocket asking for the `sip` subprotocol (RFC 7118 §4) and closes it as soon as it is
 * open. It opens only when the server upgraded and agreed to `sip`, so an ordinary web server on the
 * same port does not count as an answer.
 *
 * A page learns nothing about a failure (WebSocket API: the error event carries no reason, the close
 * code is always 1006), so `detail` only says how long it took; the gateway's probe says more.
 */
export function webSocketAnswers(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WebSocketAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, 'sip');
    } catch (error) {
      resolve({ ok: false, detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    let settled = false;
    const finish = (answer: WebSocketAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      socket.close();
      resolve(answer);
    };
    const cancel = (): void => finish({ ok: false, detail: 'cancelled' });
    const timer = setTimeout(
      () => finish({ ok: false, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    signal?.addEventListener('abort', cancel, { once: true });
    socket.addEventListener('open', () => finish({ ok: true }));
    socket.addEventListener('close', (event) =>
      finish({
        ok: false,
        detail: `closed with code ${event.code} after ${Math.round(performance.now() - started)} ms`,
      }),
    );
  });
}
