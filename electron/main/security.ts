/**
 * What the renderer may do, decided in main.
 *
 * The renderer is treated as untrusted: it handles SIP messages and display names from arbitrary
 * servers. Everything here is a pure decision (origin, permission, CSP) plus two thin functions that
 * attach those decisions to Electron objects. Electron is imported for types only, so the decisions
 * are unit-tested without the Electron binary.
 */
import type { Session, WebContents } from 'electron';

/** Custom scheme that serves the built renderer (see `renderer-files.ts`). */
export const APP_SCHEME = 'app';
/** The one host of {@link APP_SCHEME}; any other host is refused. */
export const APP_HOST = 'ringline';
/** Origin Chromium assigns to our pages because the scheme is registered as `standard`. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads in production. */
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** Origins whose pages are ours: {@link APP_ORIGIN}, plus the Vite dev server during `npm run dev`. */
export type TrustedOrigins = readonly string[];

/**
 * The origins main trusts.
 *
 * @param devServerUrl `ELECTRON_RENDERER_URL` set by `electron-vite dev`; pass it only when the app is
 *   not packaged, so an environment variable can never widen trust in a shipped build.
 */
export function trustedOrigins(devServerUrl?: string): TrustedOrigins {
  const dev = devServerUrl === undefined ? null : originOf(devServerUrl);
  return dev === null ? [APP_ORIGIN] : [APP_ORIGIN, dev];
}

/**
 * `scheme://host[:port]` of a URL, or null when it has no host (`file:`, `data:`, `about:blank`) or
 * does not parse.
 *
 * Not `URL.origin`: the WHATWG URL parser in Node gives every non-special scheme (our `app:`) the
 * opaque origin `"null"`, whereas Chromium gives a registered standard scheme a real tuple origin.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host === '') return null;
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

/** Whether `url` (a page URL or a bare origin) belongs to one of our origins. */
export function isTrustedUrl(url: string, trusted: TrustedOrigins): boolean {
  const origin = originOf(url);
  return origin !== null && trusted.includes(origin);
}

/** A permission request or check, reduced to what the decision needs. */
export interface PermissionQuery {
  /** Chromium's permission name (`media`, `notifications`, `geolocation`, …). */
  permission: string;
  /** URL or origin of the frame asking. */
  requestingUrl: string;
  isMainFrame: boolean;
  /** For `media`: the devices asked for (`audio` = microphone, `video` = camera). */
  mediaTypes: readonly string[];
}

/**
 * We grant two permissions, to our own top frame only:
 * - `media` (microphone, camera);
 * - `clipboard-sanitized-write`, which `navigator.clipboard.writeText` asks for: "Copy diagnostics", a
 *   SIP message or a call ladder for a support ticket. Chromium still requires a user gesture for it,
 *   and it can only write; `clipboard-read` stays refused.
 *
 * Anything else is refused, including `media` with no device type or an `unknown` one: Electron reports
 * `audio`/`video` for getUserMedia and device enumeration, so a request without them is not one of ours.
 * Notifications are shown by main (see `notifications.ts`), so the web `notifications` permission is
 * not needed either.
 */
export function isPermissionGranted(query: PermissionQuery, trusted: TrustedOrigins): boolean {
  if (!query.isMainFrame || !isTrustedUrl(query.requestingUrl, trusted)) return false;
  if (query.permission === 'clipboard-sanitized-write') return true;
  if (query.permission !== 'media') return false;
  return (
    query.mediaTypes.length > 0 && query.mediaTypes.every((type) => type === 'audio' || type === 'video')
  );
}

/**
 * Content-Security-Policy directives for our pages.
 *
 * - `connect-src wss:`: SIP over WebSocket (RFC 7118) goes to whatever server the user configures, so
 *   no host list is possible; only the encrypted scheme is allowed (the account form refuses `ws:` too).
 * - `media-src blob: mediastream:`: remote audio arrives as a MediaStream; ringtones may be blobs.
 * - No `'unsafe-inline'` for styles: Vite extracts Vue's scoped styles to `.css` files in a build, and
 *   `:style` bindings go through CSSOM, which CSP does not restrict.
 * - No `'unsafe-eval'`: Vue's runtime-only build compiles templates at build time.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'connect-src': ["'self'", 'wss:'],
  'media-src': ["'self'", 'blob:', 'mediastream:'],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

/** The `Content-Security-Policy` header value built from {@link CSP_DIRECTIVES}. */
export function contentSecurityPolicy(): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * Locks down one WebContents: no new windows, no navigation away from our pages, no `<webview>`.
 *
 * Register it for every WebContents (`app.on('web-contents-created')`), not only the main window's,
 * so a contents created later cannot escape these rules.
 */
export function hardenWebContents(contents: WebContents, trusted: TrustedOrigins): void {
  // window.open and target=_blank would create a window with whatever preferences the page asks for.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!isTrustedUrl(event.url, trusted)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isTrustedUrl(event.url, trusted)) event.preventDefault();
  });
  // webviewTag is off in webPreferences; this is the second lock in case a future window forgets it.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Routes Chromium's permission prompts and checks through {@link isPermissionGranted}.
 *
 * Both handlers are needed: the request handler answers `getUserMedia`, the check handler answers
 * synchronous queries such as `enumerateDevices` labels and `navigator.permissions.query`.
 */
export function hardenSession(session: Session, trusted: TrustedOrigins): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(
      isPermissionGranted(
        { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame, mediaTypes },
        trusted,
      ),
    );
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(
      {
        permission,
        requestingUrl: requestingOrigin,
        isMainFrame: details.isMainFrame,
        mediaTypes: details.mediaType === undefined ? [] : [details.mediaType],
      },
      trusted,
    ),
  );
}
