import type { LinkRequest } from '@common/contract';
import { DEFAULT_SETTINGS } from '@common/contract-defaults';

/**
 * Clicked links in the browser build arrive in the page address: `?dial=<link>` (what
 * `navigator.registerProtocolHandler` opens) or `#dial=<link>` while the page is open. They are parsed
 * with the same rules as the desktop app and held until the app says it is ready. The parser (with
 * libphonenumber's metadata) is loaded only when a link comes.
 */
export class WebLinks {
  private readonly listeners = new Set<(request: LinkRequest) => void>();
  private readonly queue: Promise<LinkRequest>[] = [];
  private ready = false;

  constructor(private readonly location: Location) {
    const fromQuery = new URLSearchParams(location.search).get('dial');
    if (fromQuery !== null) this.queue.push(this.parse(fromQuery));
    window.addEventListener('hashchange', () => this.readHash());
    this.readHash();
  }

  onLink(listener: (request: LinkRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  rendererReady(): void {
    this.ready = true;
    // In the order they came, however long each took to parse.
    void this.queue
      .splice(0)
      .reduce(
        (previous, request) => previous.then(() => request).then((parsed) => this.emit(parsed)),
        Promise.resolve(),
      );
  }

  private async parse(link: string): Promise<LinkRequest> {
    const { parseLink } = await import('@common/links');
    return parseLink(link, { enabledSchemes: DEFAULT_SETTINGS.linkSchemes });
  }

  private readHash(): void {
    const link = new URLSearchParams(this.location.hash.replace(/^#/, '')).get('dial');
    if (link === null) return;
    history.replaceState(null, '', this.location.pathname + this.location.search);
    const request = this.parse(link);
    if (this.ready) void request.then((parsed) => this.emit(parsed));
    else this.queue.push(request);
  }

  private emit(request: LinkRequest): void {
    this.listeners.forEach((listener) => listener(request));
  }
}

/**
 * Asks the browser to open `sip:` and `tel:` links with this page (HTML's safelisted schemes; `sips:`
 * and `callto:` are not on the list). Returns false where the browser offers no such API.
 */
export function registerBrowserLinkHandlers(): boolean {
  if (typeof navigator.registerProtocolHandler !== 'function') return false;
  const target = `${location.origin}${location.pathname}?dial=%s`;
  try {
    navigator.registerProtocolHandler('sip', target);
    navigator.registerProtocolHandler('tel', target);
    return true;
  } catch {
    return false;
  }
}
