/**
 * Serves the built renderer (`out/renderer`) on `app://ringline/…`.
 *
 * A custom scheme instead of `file://`: Vite's module scripts need a real origin, and `file://` pages
 * would share one origin with every file on disk. The handler is plain Node (fs + the global
 * Request/Response that Electron's `protocol.handle` uses), so it is tested against a real directory.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security';

/** The file types a Vite build emits for us; anything else is a 404 even if it exists. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

/** Where a request maps to on disk, with the Content-Type to serve it as. */
export type RendererFile = { kind: 'file'; path: string; contentType: string } | { kind: 'not-found' };

const NOT_FOUND: RendererFile = { kind: 'not-found' };

/**
 * Maps a request URL to a file under `rootDir`, or `not-found`.
 *
 * Refused: other schemes or hosts, undecodable escapes, `..`/`.`/hidden or empty segments (also when
 * percent-encoded), backslashes and colons (Windows separators, drive letters, NTFS streams), NUL,
 * and extensions outside {@link CONTENT_TYPES}. `/` means `/index.html`; query and hash are ignored.
 */
export function resolveRendererFile(rootDir: string, requestUrl: string): RendererFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return NOT_FOUND;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return NOT_FOUND;

  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname);
  } catch {
    return NOT_FOUND;
  }
  const segments = pathname.split('/').slice(1);
  const unsafe = segments.some(
    (segment) => segment === '' || segment.startsWith('.') || /[\\:\0]/.test(segment),
  );
  if (unsafe) return NOT_FOUND;

  const contentType = CONTENT_TYPES[extname(pathname).toLowerCase()];
  if (contentType === undefined) return NOT_FOUND;

  const path = join(rootDir, ...segments);
  // Second line of defence: whatever the checks above missed, the result must stay inside rootDir.
  const inside = relative(rootDir, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return NOT_FOUND;
  return { kind: 'file', path, contentType };
}

/** Headers every response carries, including 404s, so no page of ours is ever shown without the CSP. */
function baseHeaders(csp: string): Record<string, string> {
  return { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' };
}

function textResponse(status: number, text: string, csp: string): Response {
  return new Response(text, {
    status,
    headers: { ...baseHeaders(csp), 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** Node's error codes for "there is no file there". */
const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * The `protocol.handle('app', …)` handler: GET/HEAD of a file resolved by
 * {@link resolveRendererFile}, with the CSP header on every response. Never rejects: a rejected
 * handler shows the user a bare network error page.
 */
export async function serveRendererFile(rootDir: string, request: Request, csp: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return textResponse(405, 'Method not allowed', csp);
  }
  const file = resolveRendererFile(rootDir, request.url);
  if (file.kind === 'not-found') return textResponse(404, 'Not found', csp);

  let body: Buffer;
  try {
    body = await readFile(file.path);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (typeof code === 'string' && MISSING_CODES.has(code)) return textResponse(404, 'Not found', csp);
    return textResponse(500, 'Could not read file', csp);
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...baseHeaders(csp), 'content-type': file.contentType },
  });
}
