import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App, type Component } from 'vue';
import type { Account, AccountInput, GatewayAvailability } from '@common/contract';
import type {
  ConnectionTestProgress,
  ConnectionTestResult,
} from '../../../renderer/src/accounts/connection-test';
import AccountAssistant from '../../../renderer/src/components/AccountAssistant.vue';
import AccountForm from '../../../renderer/src/components/AccountForm.vue';
import ConnectionSteps from '../../../renderer/src/components/ConnectionSteps.vue';
import FormField from '../../../renderer/src/components/FormField.vue';
import { HOST_KEY, type Host } from '../../../renderer/src/host/host';
import { createWebHost } from '../../../renderer/src/host/web-host';
import { WebStorage } from '../../../renderer/src/host/web-storage';
import { createAppI18n } from '../../../renderer/src/i18n';
import { en } from '../../../renderer/src/i18n/en';

const mounted: { app: App; root: HTMLElement; storage: WebStorage }[] = [];

afterEach(async () => {
  for (const { app, root, storage } of mounted.splice(0)) {
    app.unmount();
    root.remove();
    await storage.delete();
  }
});

/** The browser host on real IndexedDB; only whether the gateway is there is set by the test. */
function hostWith(gateway: GatewayAvailability, storage: WebStorage): Host {
  const web = createWebHost(storage);
  return { ...web, gateway: { ...web.gateway, availability: async () => gateway } };
}

async function mount(
  component: Component,
  props: Record<string, unknown>,
  gateway?: GatewayAvailability,
  slots?: Record<string, (scope: never) => unknown>,
) {
  const storage = new WebStorage(`ringline-test-${crypto.randomUUID()}`);
  const root = document.createElement('div');
  document.body.append(root);
  const app = createApp({ render: () => h(component, props, slots) });
  app.provide(HOST_KEY, hostWith(gateway ?? { available: false, reason: 'no-local-service' }, storage));
  app.use(createPinia());
  app.use(createAppI18n('en', en));
  app.mount(root);
  mounted.push({ app, root, storage });
  await new Promise((resolve) => setTimeout(resolve, 0));
  await nextTick();
  return root;
}

/** The control a `<label for>` names, as assistive technology finds it. */
function labelled(root: HTMLElement, text: string): HTMLInputElement & HTMLSelectElement {
  const label = [...root.querySelectorAll('label')].find(
    (candidate) => candidate.textContent?.trim() === text,
  );
  const control = label?.htmlFor ? root.ownerDocument.getElementById(label.htmlFor) : null;
  if (!control) throw new Error(`no control labelled ${text}`);
  return control as HTMLInputElement & HTMLSelectElement;
}

async function type(control: HTMLInputElement | HTMLSelectElement, value: string): Promise<void> {
  control.value = value;
  control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input'));
  await nextTick();
}

function button(root: HTMLElement, name: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find(
    (candidate) => candidate.textContent?.trim() === name,
  );
  if (!found) throw new Error(`no button named ${name}`);
  return found;
}

function visibleLabels(container: Element): string[] {
  return [...container.querySelectorAll('label')]
    .filter((label) => label.closest('details:not([open])') === null || label.closest('summary') !== null)
    .map((label) => label.textContent?.trim() ?? '');
}

describe('FormField', () => {
  it('ties label, hint and error to the control', async () => {
    const root = await mount(
      FormField,
      { label: 'SIP server', hint: 'host or host:port', error: 'Enter the SIP server.' },
      undefined,
      { default: ({ control }: { control: Record<string, unknown> }) => h('input', control) },
    );
    const input = labelled(root, 'SIP server');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ');
    expect(described.map((id) => document.getElementById(id)?.textContent)).toEqual([
      'host or host:port',
      'Enter the SIP server.',
    ]);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Enter the SIP server.');
  });

  it('is valid and described by nothing without hint or error', async () => {
    const root = await mount(FormField, { label: 'Display name' }, undefined, {
      default: ({ control }: { control: Record<string, unknown> }) => h('input', control),
    });
    const input = labelled(root, 'Display name');
    expect(input.hasAttribute('aria-describedby')).toBe(false);
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });
});

const existing: Account = {
  id: 'a1',
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '',
  wssUrl: 'wss://pbx.example.com:8089/ws',
  connectionSuggestions: [
    { transport: 'wss', url: 'wss://pbx.example.com:8089/ws' },
    { transport: 'wss', url: 'wss://pbx.example.com:7443' },
    { transport: 'udp', server: 'pbx.example.com:5060' },
  ],
  hasPassword: true,
};

describe('the account page', () => {
  it('shows three fields up front and everything else under Advanced, closed for an existing account', async () => {
    const root = await mount(AccountForm, { account: existing });
    const form = root.querySelector('form') as HTMLFormElement;
    expect(form.getAttribute('aria-label')).toBe('Edit account');
    expect(visibleLabels(form)).toEqual(['Display name', 'SIP address', 'Password']);
    const advanced = form.querySelector('details') as HTMLDetailsElement;
    expect(advanced.open).toBe(false);
    expect(advanced.querySelector('summary')?.textContent).toBe('Advanced');
    for (const field of [
      'Authentication user',
      'Connection',
      'WebSocket server',
      'Backup servers (optional)',
      'Outbound proxy (optional)',
      'Registrar domain (optional)',
      'Country for national numbers (e.g. US, CN)',
      'Voicemail number',
    ])
      expect(advanced.contains(labelled(root, field)), field).toBe(true);
  });

  it('opens Advanced for a new account, whose server is needed', async () => {
    const root = await mount(AccountForm, {});
    expect((root.querySelector('details') as HTMLDetailsElement).open).toBe(true);
  });

  it('refuses a WebSocket address on a port browsers refuse, saying why, and saves nothing', async () => {
    const saved: AccountInput[] = [];
    const root = await mount(AccountForm, {
      account: existing,
      onSave: (input: AccountInput) => saved.push(input),
    });
    const server = labelled(root, 'WebSocket server');
    await type(server, 'wss://pbx.example.com:5060');
    button(root, 'Save and register').click();
    await vi.waitFor(() =>
      expect(root.textContent).toContain('Browsers refuse WebSocket connections to port 5060'),
    );
    expect(saved).toEqual([]);
    // The error is under Advanced, which was closed: it opens, and the field has the focus.
    expect((root.querySelector('details') as HTMLDetailsElement).open).toBe(true);
    expect(document.activeElement).toBe(server);
    expect(server.getAttribute('aria-invalid')).toBe('true');
  });

  it('without the gateway: UDP, TCP and TLS are disabled, and one sentence says why', async () => {
    const root = await mount(AccountForm, {});
    const connection = labelled(root, 'Connection');
    await vi.waitFor(() => expect(connection.getAttribute('aria-describedby')).not.toBeNull());
    const options = [...connection.options].map((option) => [option.textContent?.trim(), option.disabled]);
    expect(options).toEqual([
      ['Secure WebSocket (WSS)', false],
      ['UDP', true],
      ['TCP', true],
      ['TLS', true],
    ]);
    const hint = document.getElementById(connection.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toContain(
      'UDP, TCP and TLS need Ringline’s local SIP gateway: open Ringline with the address that “npm run web” prints.',
    );
  });

  it('with the gateway: a TCP account names its SIP server and backups instead of a WebSocket', async () => {
    const saved: AccountInput[] = [];
    const root = await mount(
      AccountForm,
      { onSave: (input: AccountInput) => saved.push(input) },
      { available: true },
    );
    const connection = labelled(root, 'Connection');
    await vi.waitFor(() => expect(connection.options[2]?.disabled).toBe(false));
    await type(connection, 'tcp');
    expect(() => labelled(root, 'WebSocket server')).toThrow();
    await type(labelled(root, 'SIP address'), 'sip:1001@pbx.example.com');
    await type(labelled(root, 'Password'), 'secret');
    button(root, 'Save and register').click();
    await vi.waitFor(() => expect(root.textContent).toContain('Enter the SIP server.'));
    await type(labelled(root, 'SIP server'), 'pbx.example.com:5060');
    await type(labelled(root, 'Backup SIP servers (optional)'), 'pbx2.example.com, bad_host');
    button(root, 'Save and register').click();
    await vi.waitFor(() =>
      expect(root.textContent).toContain('“bad_host” is not a host name or address with an optional port.'),
    );
    await type(labelled(root, 'Backup SIP servers (optional)'), 'pbx2.example.com');
    button(root, 'Save and register').click();
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({
      transport: 'tcp',
      sipServer: 'pbx.example.com:5060',
      fallbackSipServers: ['pbx2.example.com'],
      wssUrl: '',
      fallbackWssUrls: [],
    });
  });

  it('offers what else answered when the account was set up, and uses one on request', async () => {
    const saved: AccountInput[] = [];
    const root = await mount(AccountForm, {
      account: existing,
      onSave: (input: AccountInput) => saved.push(input),
    });
    const suggestions = root.querySelector(
      '[aria-label="Other addresses that answered when this account was set up"]',
    );
    const names = [...(suggestions?.querySelectorAll('button') ?? [])].map((b) => [
      b.textContent?.trim(),
      b.disabled,
    ]);
    // The one in use is not offered; a UDP one cannot be used without the gateway.
    expect(names).toEqual([
      ['Use wss://pbx.example.com:7443', false],
      ['Use UDP pbx.example.com:5060', true],
    ]);
    button(root, 'Use wss://pbx.example.com:7443').click();
    await nextTick();
    expect(labelled(root, 'WebSocket server').value).toBe('wss://pbx.example.com:7443');
    button(root, 'Save and register').click();
    await vi.waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]?.wssUrl).toBe('wss://pbx.example.com:7443');
    expect(saved[0]?.connectionSuggestions).toEqual([
      { transport: 'wss', url: 'wss://pbx.example.com:8089/ws' },
      { transport: 'udp', server: 'pbx.example.com:5060' },
    ]);
  });

  it('offers the provisioning export for a saved account only, outside the form', async () => {
    const root = await mount(AccountForm, { account: existing });
    const exportSection = root.querySelector('[aria-label="Provisioning file"]');
    expect(exportSection?.closest('form')).toBeNull();
    expect(exportSection?.textContent).toContain('Export provisioning file');
    const fresh = await mount(AccountForm, {});
    expect(fresh.querySelector('[aria-label="Provisioning file"]')).toBeNull();
  });
});

describe('the assistant', () => {
  it('asks for the SIP address, the password and a display name, nothing else', async () => {
    const root = await mount(AccountAssistant, {});
    const form = root.querySelector('form') as HTMLFormElement;
    expect(form.getAttribute('aria-label')).toBe('Sign in with your SIP account');
    expect([...form.querySelectorAll('label')].map((label) => label.textContent?.trim())).toEqual([
      'SIP address',
      'Password',
      'Display name (optional)',
    ]);
  });

  it('says what is missing from the address before trying anything', async () => {
    const root = await mount(AccountAssistant, {});
    await type(labelled(root, 'SIP address'), 'pbx.example.com');
    button(root, 'Find my server and sign in').click();
    await vi.waitFor(() =>
      expect(root.textContent).toContain('Enter the whole address, with your user name before the @'),
    );
    expect(root.textContent).toContain('Enter your password.');
    expect(root.querySelector('.connection-steps')).toBeNull();
    expect(document.activeElement).toBe(labelled(root, 'SIP address'));
  });
});

describe('connection steps, in words', () => {
  const sha256 = Array.from({ length: 32 }, () => 'C4').join(':');

  async function render(progress: ConnectionTestProgress, result?: ConnectionTestResult) {
    return mount(ConnectionSteps, { progress, result });
  }

  it('lists every step and says where it stopped: a refused password', async () => {
    const root = await render(
      {
        lookup: { domain: '127.0.0.1', status: 'not-needed', targets: [] },
        candidates: [
          {
            candidate: { transport: 'wss', url: 'wss://127.0.0.1/ws' },
            status: 'failed',
            problem: { stage: 'websocket', detail: 'closed with code 1006' },
          },
          {
            candidate: { transport: 'wss', url: 'wss://127.0.0.1:7443' },
            status: 'failed',
            problem: { stage: 'register', error: { kind: 'wrong-password', statusCode: 401 } },
          },
          { candidate: { transport: 'wss', url: 'wss://127.0.0.1:8443/ws' }, status: 'skipped' },
        ],
      },
      {
        ok: false,
        problem: { stage: 'register', error: { kind: 'wrong-password', statusCode: 401 } },
        at: { transport: 'wss', url: 'wss://127.0.0.1:7443' },
      },
    );
    const list = root.querySelector('ol');
    expect(list?.getAttribute('aria-live')).toBe('polite');
    expect([...(list?.querySelectorAll('li') ?? [])].map((li) => li.textContent?.trim())).toEqual([
      '127.0.0.1 is an IP address: no DNS lookup needed.',
      'wss://127.0.0.1/ws: No WebSocket connection (the browser does not say why).',
      'wss://127.0.0.1:7443: Wrong user name or password (401)',
      'wss://127.0.0.1:8443/ws: not tried',
    ]);
    const alert = root.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain(
      'Stopped at wss://127.0.0.1:7443: Wrong user name or password (401)',
    );
    expect(alert?.textContent).toContain('Check the password');
  });

  it('names a domain DNS does not know', async () => {
    const root = await render(
      {
        lookup: { domain: 'nowhere.invalid', status: 'not-found', targets: [], detail: 'ENOTFOUND' },
        candidates: [],
      },
      { ok: false, problem: { stage: 'dns', detail: 'ENOTFOUND' } },
    );
    expect(root.querySelector('[role="alert"]')?.textContent).toContain(
      'The name nowhere.invalid was not found in DNS (ENOTFOUND). Check the domain after the @',
    );
  });

  it('shows an untrusted certificate with its fingerprint and what a browser user can do', async () => {
    const at = { transport: 'wss', url: 'wss://pbx.example.com:8089/ws' } as const;
    const root = await render(
      {
        candidates: [
          { candidate: at, status: 'failed', problem: { stage: 'tls', detail: 'self-signed', sha256 } },
        ],
      },
      { ok: false, problem: { stage: 'tls', detail: 'self-signed', sha256 }, at },
    );
    const alert = root.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('The server’s certificate is not trusted (self-signed).');
    expect(alert?.querySelector('code')?.textContent).toBe(sha256);
    expect(alert?.textContent).toContain('open https://pbx.example.com:8089/ in this browser');
  });

  it('says a refused upgrade with its HTTP status, and a success as a status', async () => {
    const at = { transport: 'wss', url: 'wss://pbx.example.com/ws' } as const;
    const refused = await render(
      {
        candidates: [
          {
            candidate: at,
            status: 'failed',
            problem: { stage: 'upgrade', detail: 'Not Found', httpStatus: 404 },
          },
        ],
      },
      { ok: false, problem: { stage: 'upgrade', detail: 'Not Found', httpStatus: 404 }, at },
    );
    expect(refused.querySelector('[role="alert"]')?.textContent).toContain(
      'The server refused the WebSocket upgrade (HTTP 404).',
    );
    const ok = await render(
      { candidates: [{ candidate: at, status: 'registered' }] },
      { ok: true, winner: at, others: [] },
    );
    expect(ok.querySelector('[role="status"]')?.textContent).toBe(
      'Registered through wss://pbx.example.com/ws.',
    );
  });
});
