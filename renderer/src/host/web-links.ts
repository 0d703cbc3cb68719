import { DEFAULT_SETTINGS, type LinkRequest } from '@common/contract';
import { parseLink } from '@common/links';

/**
 * Clicked links in the browser build arrive in the page address: `?dial=<link>` (what
 * `navigator.registerProtocolHandler` opens) or `#dial=<link>` while the page is open. They are parsed
 * with the same rules as the desktop app and held until the app says it is ready.
 */
export class WebLinks {
  private readonly listeners = new Set<(request: LinkRequest) => void>();
  private readonly queue: LinkRequest[] = [];
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
    this.queue.splice(0).forEach((request) => this.emit(request));
  }

  private parse(link: string): LinkRequest {
    return parseLink(link, { enabledSchemes: DEFAULT_SETTINGS.linkSchemes });
  }

  private readHash(): void {
    const link = new URLSearchParams(this.location.hash.replace(/^#/, '')).get('dial');
    if (link === null) return;
    history.replaceState(null, '', this.location.pathname + this.location.search);
    const request = this.parse(link);
    if (this.ready) this.emit(request);
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
