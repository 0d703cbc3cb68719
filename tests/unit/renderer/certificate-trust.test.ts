import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import type { Account, CertificateProblem, CertificateTrustRequest } from '@common/contract';
import CertificateTrust from '../../../renderer/src/components/CertificateTrust.vue';
import { HOST_KEY, type Host } from '../../../renderer/src/host/host';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import { createAppI18n } from '../../../renderer/src/i18n';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { useRegistrationStore } from '../../../renderer/src/stores/registration';

const FINGERPRINT_A = Array.from({ length: 32 }, (_, i) =>
  (i * 7).toString(16).padStart(2, '0').toUpperCase(),
).join(':');
const FINGERPRINT_B = FINGERPRINT_A.replace(/^../, 'FF');

const account: Account = {
  id: 'a1',
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  wssUrl: 'wss://pbx.example.com:8089/ws',
  hasPassword: true,
};

const untrusted: CertificateProblem = {
  kind: 'untrusted',
  accountId: 'a1',
  host: 'pbx.example.com:8089',
  sha256: FINGERPRINT_A,
  error: 'net::ERR_CERT_AUTHORITY_INVALID',
};

const mounted: { app: App; root: HTMLElement; storage: WebStorage }[] = [];

afterEach(async () => {
  for (const { app, root, storage } of mounted.splice(0)) {
    app.unmount();
    root.remove();
    await storage.delete();
  }
});

/**
 * The desktop host as the renderer sees it (the preload bridge): a real web host for storage, with the
 * two parts only Electron main provides here, certificate reports and app info, driven by the test.
 */
function desktopHost(storage: WebStorage, trust: (request: CertificateTrustRequest) => Promise<Account>) {
  const listeners: ((problem: CertificateProblem) => void)[] = [];
  const web = createWebHost(storage);
  const host: Host = {
    ...web,
    app: { info: async () => ({ name: 'Ringline', version: 'test', platform: 'linux', host: 'electron' }) },
    certificates: {
      onProblem: (listener) => {
        listeners.push(listener);
        return () => undefined;
      },
      trust,
    },
  };
  return {
    host,
    report: (problem: CertificateProblem) => listeners.forEach((listener) => listener(problem)),
  };
}

async function mount(host: Host, storage: WebStorage, locale: 'en' | 'zh-CN' = 'en') {
  const root = document.createElement('div');
  document.body.append(root);
  let trusted = 0;
  const pinia = createPinia();
  const app = createApp({ render: () => h(CertificateTrust, { account, onTrusted: () => (trusted += 1) }) });
  app.provide(HOST_KEY, host);
  app.use(pinia);
  app.use(locale === 'en' ? createAppI18n('en', en) : createAppI18n('zh-CN', zhCN));
  app.mount(root);
  mounted.push({ app, root, storage });
  // Let the store's app.info() answer arrive.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { root, trusted: () => trusted, registration: useRegistrationStore(pinia) };
}

function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find(
    (candidate) => candidate.textContent?.trim() === name,
  );
  if (!found) throw new Error(`no button named ${name}`);
  return found;
}

const freshStorage = () => new WebStorage(`ringline-test-${crypto.randomUUID()}`);

describe('CertificateTrust (desktop host)', () => {
  it('shows nothing until main reports a refused certificate', async () => {
    const storage = freshStorage();
    const { host } = desktopHost(storage, async () => account);
    const { root } = await mount(host, storage);
    expect(root.textContent?.trim()).toBe('');
  });

  it('shows host and fingerprint, trusts exactly the reported fingerprint, then asks to register again', async () => {
    const storage = freshStorage();
    const requests: CertificateTrustRequest[] = [];
    const { host, report } = desktopHost(storage, async (request) => {
      requests.push(request);
      return { ...account, trustedCertificate: { host: untrusted.host, sha256: request.sha256 } };
    });
    const { root, trusted } = await mount(host, storage);
    report(untrusted);
    await nextTick();

    const alert = root.querySelector('[role="alert"]');
    expect(alert?.getAttribute('aria-label')).toBe('Server certificate for Alice');
    expect(alert?.textContent).toContain('This computer does not trust the server’s certificate');
    expect(alert?.textContent).toContain('pbx.example.com:8089');
    expect(root.querySelector('[data-testid="presented-fingerprint"]')?.textContent).toBe(FINGERPRINT_A);
    expect(alert?.textContent).toContain('net::ERR_CERT_AUTHORITY_INVALID');

    button(root, 'Trust this certificate').click();
    // Trusting reloads the accounts from storage before it asks to register again.
    await vi.waitFor(() => expect(trusted()).toBe(1));
    expect(requests).toEqual([{ accountId: 'a1', sha256: FINGERPRINT_A }]);
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });

  it('warns loudly when the certificate changed, showing both fingerprints', async () => {
    const storage = freshStorage();
    const { host, report } = desktopHost(storage, async () => account);
    const { root } = await mount(host, storage);
    report({ ...untrusted, kind: 'changed', sha256: FINGERPRINT_B, pinnedSha256: FINGERPRINT_A });
    await nextTick();

    const alert = root.querySelector('[role="alert"]');
    expect(alert?.classList.contains('danger')).toBe(true);
    expect(alert?.textContent).toContain('Warning: the server’s certificate has changed');
    expect(alert?.textContent).toContain(FINGERPRINT_A);
    expect(root.querySelector('[data-testid="presented-fingerprint"]')?.textContent).toBe(FINGERPRINT_B);
    expect(button(root, 'Trust the new certificate instead').disabled).toBe(false);
  });

  it('says so in Simplified Chinese too, with the SRV target that presented the certificate', async () => {
    const storage = freshStorage();
    const { host, report } = desktopHost(storage, async () => account);
    const { root } = await mount(host, storage, 'zh-CN');
    report({
      ...untrusted,
      kind: 'changed',
      host: 'example.com:5061',
      srvTarget: 'sip1.example.com:5061',
      sha256: FINGERPRINT_B,
      pinnedSha256: FINGERPRINT_A,
    });
    await nextTick();

    const alert = root.querySelector('[role="alert"]');
    expect(alert?.getAttribute('aria-label')).toBe('Alice 的服务器证书');
    expect(alert?.textContent).toContain('警告：服务器证书已更改');
    expect(alert?.textContent).toContain('经 DNS（SRV）找到的地址');
    expect(root.querySelector('[data-testid="certificate-server"]')?.textContent).toBe('example.com:5061');
    expect(root.querySelector('[data-testid="srv-target"]')?.textContent).toBe('sip1.example.com:5061');
    expect(root.querySelector('[data-testid="trusted-fingerprint"]')?.textContent).toBe(FINGERPRINT_A);
    expect(button(root, '改为信任新证书').disabled).toBe(false);
  });

  it('keeps the warning and says why when trusting fails', async () => {
    const storage = freshStorage();
    const { host, report } = desktopHost(storage, async () => {
      throw new Error('That certificate was not presented by this account’s server');
    });
    const { root, trusted } = await mount(host, storage);
    report(untrusted);
    await nextTick();
    button(root, 'Trust this certificate').click();
    await vi.waitFor(() => expect(root.querySelector('.field-error')).not.toBeNull());
    expect(root.textContent).toContain(
      'The certificate could not be trusted: That certificate was not presented by this account’s server',
    );
    expect(root.querySelector('[role="alert"]')).not.toBeNull();
    expect(trusted()).toBe(0);
  });

  it('hides the warning once the account registers', async () => {
    const storage = freshStorage();
    const { host, report } = desktopHost(storage, async () => account);
    const { root, registration } = await mount(host, storage);
    report(untrusted);
    await nextTick();
    registration.apply({ accountId: 'a1', state: 'registered', since: Date.now() });
    await nextTick();
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });
});

describe('CertificateTrust (browser host)', () => {
  it('explains that the browser decides when the server cannot be reached', async () => {
    const storage = freshStorage();
    const host = createWebHost(storage);
    const { root, registration } = await mount(host, storage);
    expect(root.textContent?.trim()).toBe('');
    registration.apply({
      accountId: 'a1',
      state: 'failed',
      error: { kind: 'unreachable' },
      since: Date.now(),
    });
    await nextTick();
    const note = root.querySelector('.certificate-browser');
    expect(note?.textContent).toContain('the browser decides which server certificates to trust');
    expect(note?.textContent).toContain('https://pbx.example.com:8089/');
    expect(root.querySelector('button')).toBeNull();
  });

  it('refuses to pin, saying the browser decides', async () => {
    const storage = freshStorage();
    try {
      await expect(
        createWebHost(storage).certificates.trust({ accountId: 'a1', sha256: FINGERPRINT_A }),
      ).rejects.toThrow('the browser decides');
    } finally {
      await storage.delete();
    }
  });
});
