import type { DialRequest } from '@common/contract';

/**
 * Dial requests in the browser build arrive in the page address: `?dial=tel:…` (what
 * `navigator.registerProtocolHandler` opens) or `#dial=…` while the page is open. They are held until
 * the app says it is ready, so a link that opened the page is not lost while accounts load.
 */
export class WebLinks {
  private readonly listeners = new Set<(request: DialRequest) => void>();
  private readonly queue: DialRequest[] = [];
  private ready = false;

  constructor(private readonly location: Location) {
    const fromQuery = new URLSearchParams(location.search).get('dial');
    if (fromQuery) this.queue.push({ kind: 'dial', target: fromQuery });
    window.addEventListener('hashchange', () => this.readHash());
    this.readHash();
  }

  onDialRequest(listener: (request: DialRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  rendererReady(): void {
    this.ready = true;
    this.queue.splice(0).forEach((request) => this.emit(request));
  }

  private readHash(): void {
    const target = new URLSearchParams(this.location.hash.replace(/^#/, '')).get('dial');
    if (!target) return;
    history.replaceState(null, '', this.location.pathname + this.location.search);
    const request: DialRequest = { kind: 'dial', target };
    if (this.ready) this.emit(request);
    else this.queue.push(request);
  }

  private emit(request: DialRequest): void {
    this.listeners.forEach((listener) => listener(request));
  }
}
