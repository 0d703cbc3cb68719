import { describe, expect, it } from 'vitest';
import { fetchProvisioningText, MAX_PROVISIONING_BYTES } from '../../../electron/common/provisioning-fetch';

/** A server's answer as `fetch` gives it; `url` is where redirects ended. */
function answer(body: string, init: ResponseInit & { url?: string } = {}): Response {
  const response = new Response(body, init);
  Object.defineProperty(response, 'url', { value: init.url ?? 'https://admin.example.com/a.json' });
  return response;
}

describe('fetchProvisioningText', () => {
  it('fetches an https link without cookies and gives its text', async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const result = await fetchProvisioningText('  https://admin.example.com/a.json ', async (url, init) => {
      seen.push({ url: String(url), ...(init ? { init } : {}) });
      return answer('{"ringline":"account"}');
    });
    expect(result).toEqual({ ok: true, text: '{"ringline":"account"}' });
    expect(seen[0]?.url).toBe('https://admin.example.com/a.json');
    expect(seen[0]?.init?.credentials).toBe('omit');
  });

  it('refuses anything but https, before fetching and after redirects', async () => {
    const never = async (): Promise<Response> => {
      throw new Error('must not fetch');
    };
    expect(await fetchProvisioningText('http://admin.example.com/a.json', never)).toEqual({
      ok: false,
      problem: { kind: 'link-not-https' },
    });
    expect(await fetchProvisioningText('file:///etc/passwd', never)).toEqual({
      ok: false,
      problem: { kind: 'link-not-https' },
    });
    expect(await fetchProvisioningText('admin.example.com/a.json', never)).toEqual({
      ok: false,
      problem: { kind: 'link-invalid' },
    });
    const downgraded = await fetchProvisioningText('https://admin.example.com/a.json', async () =>
      answer('{}', { url: 'http://admin.example.com/a.json' }),
    );
    expect(downgraded).toEqual({ ok: false, problem: { kind: 'link-not-https' } });
  });

  it('says what went wrong: an HTTP status, the network (with its cause), a file too large', async () => {
    expect(
      await fetchProvisioningText('https://admin.example.com/a.json', async () =>
        answer('', { status: 403 }),
      ),
    ).toEqual({ ok: false, problem: { kind: 'http-status', status: 403 } });
    const offline = await fetchProvisioningText('https://admin.example.com/a.json', async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND admin.example.com') });
    });
    expect(offline).toEqual({
      ok: false,
      problem: { kind: 'network', detail: 'fetch failed: getaddrinfo ENOTFOUND admin.example.com' },
    });
    const huge = 'x'.repeat(MAX_PROVISIONING_BYTES + 1);
    expect(await fetchProvisioningText('https://admin.example.com/a.json', async () => answer(huge))).toEqual(
      {
        ok: false,
        problem: { kind: 'too-large', bytes: MAX_PROVISIONING_BYTES + 1 },
      },
    );
  });

  it('gives up on a server that does not answer', async () => {
    const result = await fetchProvisioningText(
      'https://admin.example.com/a.json',
      (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
        ),
      50,
    );
    expect(result).toMatchObject({ ok: false, problem: { kind: 'network' } });
  });
});
