/**
 * The page's Content-Security-Policy (a `<meta>` in renderer/index.html) names no local service: the
 * gateway's port changes at every start. The browser build's server adds exactly that one origin to
 * `connect-src` when it hands out the page, and nothing else.
 */

/** `html` with `serviceOrigin` (e.g. `ws://127.0.0.1:40123`) added to the CSP's `connect-src`. */
export function withGatewayInCsp(html: string, serviceOrigin: string): string {
  if (!/^ws:\/\/127\.0\.0\.1:\d{1,5}$/.test(serviceOrigin))
    throw new Error(`not a local gateway origin: ${serviceOrigin}`);
  let found = false;
  const out = html.replace(
    /(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*?connect-src)([^;"]*)/i,
    (_whole, head: string, sources: string) => {
      found = true;
      return `${head}${sources} ${serviceOrigin}`;
    },
  );
  if (!found) throw new Error('the page has no Content-Security-Policy with connect-src');
  return out;
}
