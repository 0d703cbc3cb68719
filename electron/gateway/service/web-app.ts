/**
 * The browser build as `npm run web` runs it: the app's web server (Vite) and the local gateway
 * service, both on 127.0.0.1, and the one URL that joins them (`http://127.0.0.1:5173/#gateway=...`).
 *
 * The service starts first (the page's CSP must name its port), the web server second (the service
 * must know the app's exact origin, and Vite may take another port than asked). The e2e fixture runs
 * the same function in `preview` mode over the built renderer (`out/web`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createServer, preview, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';
import { withGatewayInCsp } from './csp';
import {
  appUrl,
  startGatewayService,
  type GatewayService,
  type GatewayServiceOptions,
} from './gateway-service';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface WebApp {
  /** The app's origin, e.g. `http://127.0.0.1:5173`. */
  origin: string;
  /** The URL to open: the app with the service's port and secret in the fragment. */
  url(path?: string): string;
  service: GatewayService;
  close(): Promise<void>;
}

export interface WebAppOptions extends Omit<GatewayServiceOptions, 'origin' | 'port'> {
  /** `dev`: Vite's dev server over the sources (`npm run web`); `preview`: the built `out/web`. */
  mode: 'dev' | 'preview';
  /** The web server's port (default: Vite's 5173 in dev, any free one in preview). */
  port?: number;
}

/** Gives the page a CSP that lets it reach exactly this service. */
function gatewayCspPlugin(serviceOrigin: string, builtIndex: string): Plugin {
  return {
    name: 'ringline-gateway-csp',
    transformIndexHtml: (html) => withGatewayInCsp(html, serviceOrigin),
    configurePreviewServer(server) {
      // Before Vite's static files: the built index.html is served with the service in its CSP.
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '/').split('?')[0];
        if (request.method !== 'GET' || (path !== '/' && path !== '/index.html')) {
          next();
          return;
        }
        readFile(builtIndex, 'utf8').then(
          (html) => {
            response.setHeader('Content-Type', 'text/html; charset=utf-8');
            response.setHeader('Cache-Control', 'no-store');
            response.end(withGatewayInCsp(html, serviceOrigin));
          },
          (error: unknown) => next(error),
        );
      });
    },
  };
}

export async function startWebApp(options: WebAppOptions): Promise<WebApp> {
  const service = await startGatewayService(options);
  const plugin = gatewayCspPlugin(`ws://127.0.0.1:${service.port}`, resolve(ROOT, 'out/web/index.html'));
  const configFile = resolve(ROOT, 'vite.web.config.ts');
  let server: ViteDevServer | PreviewServer;
  try {
    if (options.mode === 'dev') {
      const dev = await createServer({
        configFile,
        plugins: [plugin],
        server: { host: '127.0.0.1', ...(options.port ? { port: options.port } : {}) },
      });
      await dev.listen();
      server = dev;
    } else {
      server = await preview({
        configFile,
        logLevel: 'warn',
        plugins: [plugin],
        preview: { host: '127.0.0.1', port: options.port ?? 0, strictPort: options.port !== undefined },
      });
    }
  } catch (error) {
    await service.close();
    throw error;
  }
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  service.allowOrigin(origin);
  return {
    origin,
    url: (path = '/') => appUrl(origin, service, path),
    service,
    close: async () => {
      await server.close();
      await service.close();
    },
  };
}
