/**
 * Fetching a provisioning file from the link an administrator handed out: HTTPS only (the file may
 * carry a password and names the server that gets it), no cookies, at most {@link MAX_PROVISIONING_BYTES}.
 *
 * One function for both hosts: Electron main runs it with Node's `fetch` (no CORS: a desktop app may
 * read any link its user opens), the browser build with the page's (the server must allow the app's
 * origin, and a page is told nothing more than "failed" when it does not). Free of Electron and Node
 * imports: the renderer bundles it.
 */
import type { ProvisioningFetchResult } from './contract';

/** Far more than any account needs; a bigger "provisioning file" is something else. */
export const MAX_PROVISIONING_BYTES = 64 * 1024;
const TIMEOUT_MS = 15_000;

export async function fetchProvisioningText(
  link: string,
  fetcher: typeof fetch,
  timeoutMs = TIMEOUT_MS,
): Promise<ProvisioningFetchResult> {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return { ok: false, problem: { kind: 'link-invalid' } };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: { kind: 'link-not-https' } };
  let response: Response;
  try {
    response = await fetcher(url.href, {
      credentials: 'omit',
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      ok: false,
      problem: {
        kind: 'network',
        detail: `${error instanceof Error ? error.message : String(error)}${cause}`,
      },
    };
  }
  // A redirect may not leave HTTPS either.
  if (response.url !== '' && !response.url.startsWith('https:'))
    return { ok: false, problem: { kind: 'link-not-https' } };
  if (!response.ok) return { ok: false, problem: { kind: 'http-status', status: response.status } };
  const declared = Number(response.headers.get('Content-Length') ?? 0);
  if (declared > MAX_PROVISIONING_BYTES)
    return { ok: false, problem: { kind: 'too-large', bytes: declared } };
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength > MAX_PROVISIONING_BYTES)
    return { ok: false, problem: { kind: 'too-large', bytes: bytes.byteLength } };
  return { ok: true, text: new TextDecoder().decode(bytes) };
}
