/**
 * Clicked links held until the renderer can act on them.
 *
 * Links arrive before there is anyone to tell: in `process.argv` on a cold start (Windows, Linux), in
 * the `second-instance` event's argv when the app already runs, and in macOS's `open-url` event, which
 * can fire before `ready`. Sending them to a renderer that has not subscribed yet would drop them, so
 * they wait here until the renderer calls `links.rendererReady`, and wait again while it reloads.
 *
 * The queue holds the raw link text: it is parsed on delivery (`links.ts`), with the settings and
 * accounts of that moment, which are not loaded yet when the first link arrives.
 */

/** Links kept while the renderer is not ready; a burst beyond this keeps the newest. */
export const MAX_QUEUED_LINKS = 16;

/** Holds links while the renderer cannot receive them, delivers them in order once it can. */
export class LinkQueue {
  readonly #deliver: (link: string) => void;
  readonly #pending: string[] = [];
  #ready = false;

  /** @param deliver parses one link and sends the result to the renderer. */
  constructor(deliver: (link: string) => void) {
    this.#deliver = deliver;
  }

  /** A link from argv or the OS: delivered now if the renderer is ready, otherwise queued. */
  push(link: string): void {
    if (this.#ready) {
      this.#deliver(link);
      return;
    }
    this.#pending.push(link);
    if (this.#pending.length > MAX_QUEUED_LINKS) this.#pending.shift();
  }

  /** Whether links are waiting (a cold start with a link shows the window even when starting minimised). */
  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  /** The renderer subscribed to links: flush the queue in arrival order. */
  rendererReady(): void {
    this.#ready = true;
    for (const link of this.#pending.splice(0)) this.#deliver(link);
  }

  /** The renderer is reloading, navigating or gone: queue again until it says it is ready. */
  rendererGone(): void {
    this.#ready = false;
  }
}
