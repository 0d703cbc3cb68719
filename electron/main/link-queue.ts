/**
 * Dial links (`tel:`, `sip:`, `sips:`, `callto:`) from outside the app, held until the renderer can
 * act on them.
 *
 * Links arrive before there is anyone to tell: in `process.argv` on a cold start (Windows, Linux), in
 * the `second-instance` event's argv when the app already runs, and in macOS's `open-url` event, which
 * can fire before `ready`. Sending them to a renderer that has not subscribed yet would drop them, so
 * they wait here until the renderer calls `links.rendererReady`, and wait again while it reloads.
 */
import type { DialRequest } from '../common/contract';

/** Schemes we register for (see `build/electron-builder.yml` `protocols`). */
const DIAL_LINK = /^(?:tel|sips?|callto):/i;

/** Same bound as the contract's text fields; longer is not a phone number or SIP URI. */
const MAX_LINK_LENGTH = 256;

/** Links kept while the renderer is not ready; a burst beyond this keeps the newest. */
const MAX_QUEUED = 16;

/**
 * Whether `text` looks like a dial link. Only the scheme and length are checked here: the renderer
 * parses and validates the target before dialling.
 */
export function isDialLink(text: string): boolean {
  return text.length <= MAX_LINK_LENGTH && DIAL_LINK.test(text);
}

/**
 * The argv entries that look like dial links; argv also holds the executable, Chromium switches and
 * (in development) the app path.
 */
export function pickDialLinks(argv: readonly string[]): string[] {
  return argv.filter(isDialLink);
}

/** Holds dial requests while the renderer cannot receive them, delivers them in order once it can. */
export class LinkQueue {
  readonly #deliver: (request: DialRequest) => void;
  readonly #pending: DialRequest[] = [];
  #ready = false;

  /** @param deliver sends one request to the renderer (`webContents.send(IPC.linksDialRequest, …)`). */
  constructor(deliver: (request: DialRequest) => void) {
    this.#deliver = deliver;
  }

  /** A link from argv or the OS: delivered now if the renderer is ready, otherwise queued. */
  push(link: string): void {
    if (!isDialLink(link)) return;
    const request: DialRequest = { kind: 'dial', target: link };
    if (this.#ready) {
      this.#deliver(request);
      return;
    }
    this.#pending.push(request);
    if (this.#pending.length > MAX_QUEUED) this.#pending.shift();
  }

  /** The renderer subscribed to dial requests: flush the queue in arrival order. */
  rendererReady(): void {
    this.#ready = true;
    for (const request of this.#pending.splice(0)) this.#deliver(request);
  }

  /** The renderer is reloading, navigating or gone: queue again until it says it is ready. */
  rendererGone(): void {
    this.#ready = false;
  }
}
