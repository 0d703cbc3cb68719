import { describe, expect, it } from 'vitest';
import {
  IPC,
  type Account,
  type AccountInput,
  type IncomingCallNotice,
  type SettingsPatch,
} from '../../../electron/common/contract';
import {
  createIpcHandlers,
  isTrustedSender,
  type IpcSender,
  type MainServices,
} from '../../../electron/main/ipc';
import { trustedOrigins } from '../../../electron/main/security';

const trusted = trustedOrigins('http://localhost:5173');
const ours: IpcSender = { url: 'app://ringline/index.html#/accounts', isTopFrame: true };

const validInput: AccountInput = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  wssUrl: 'wss://pbx.example.com/ws',
};

/** Services that record what reached them, so a test can tell a refused call from an accepted one. */
function recordingServices(): { services: MainServices; calls: string[] } {
  const calls: string[] = [];
  const account: Account = { ...validInput, id: 'a1', hasPassword: false };
  const services: MainServices = {
    accounts: {
      list: async () => {
        calls.push('accounts.list');
        return { accounts: [account], secretStorage: 'session-only', problems: [] };
      },
      save: async (input: AccountInput) => {
        calls.push(`accounts.save:${input.displayName}`);
        return account;
      },
      remove: async (id: string) => {
        calls.push(`accounts.remove:${id}`);
      },
      password: async (id: string) => {
        calls.push(`accounts.password:${id}`);
        return 'pw';
      },
    },
    settings: {
      get: async () => ({ settings: { language: 'system' }, problems: [] }),
      update: async (patch: SettingsPatch) => {
        calls.push(`settings.update:${JSON.stringify(patch)}`);
        return { language: patch.language ?? 'system' };
      },
    },
    notifications: {
      incomingCall: (notice: IncomingCallNotice) => calls.push(`notify:${notice.callId}`),
      dismiss: (callId: string) => calls.push(`dismiss:${callId}`),
    },
    links: { rendererReady: () => calls.push('links.ready') },
    appInfo: () => ({ name: 'Ringline', version: '0.1.0', platform: 'linux', host: 'electron' }),
  };
  return { services, calls };
}

describe('isTrustedSender', () => {
  it('accepts our page in the top frame, in production and dev', () => {
    expect(isTrustedSender(ours, trusted)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopFrame: true }, trusted)).toBe(true);
  });

  it('refuses sub frames, other origins and a vanished frame', () => {
    expect(isTrustedSender({ ...ours, isTopFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isTopFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/x.html', isTopFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'about:blank', isTopFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
  });
});

describe('createIpcHandlers', () => {
  it('has exactly one handler per renderer-to-main channel', () => {
    const handlers = createIpcHandlers(recordingServices().services, trusted);
    const expected = Object.values(IPC).filter((channel) => channel !== IPC.linksDialRequest);
    expect(Object.keys(handlers).sort()).toEqual([...expected].sort());
  });

  it('passes validated arguments to the services and returns their results', async () => {
    const { services, calls } = recordingServices();
    const handlers = createIpcHandlers(services, trusted);
    expect(await handlers[IPC.accountsList](ours, [])).toMatchObject({ secretStorage: 'session-only' });
    expect(await handlers[IPC.accountsSave](ours, [validInput])).toMatchObject({ id: 'a1' });
    await handlers[IPC.accountsRemove](ours, ['a1']);
    expect(await handlers[IPC.accountsPassword](ours, ['a1'])).toBe('pw');
    expect(await handlers[IPC.settingsUpdate](ours, [{ language: 'en' }])).toEqual({ language: 'en' });
    await handlers[IPC.notifyIncomingCall](ours, [{ callId: 'c1', displayName: 'Bob', number: '1002' }]);
    await handlers[IPC.notifyDismiss](ours, ['c1']);
    await handlers[IPC.linksReady](ours, []);
    expect(await handlers[IPC.appInfo](ours, [])).toEqual({
      name: 'Ringline',
      version: '0.1.0',
      platform: 'linux',
      host: 'electron',
    });
    expect(calls).toEqual([
      'accounts.list',
      'accounts.save:Alice',
      'accounts.remove:a1',
      'accounts.password:a1',
      'settings.update:{"language":"en"}',
      'notify:c1',
      'dismiss:c1',
      'links.ready',
    ]);
  });

  it('refuses untrusted senders before looking at arguments', async () => {
    const { services, calls } = recordingServices();
    const handlers = createIpcHandlers(services, trusted);
    const iframe = { ...ours, isTopFrame: false };
    await expect(handlers[IPC.accountsPassword](iframe, ['a1'])).rejects.toThrow(
      "ringline:accounts.password: refused, the sender is not Ringline's own page",
    );
    await expect(
      handlers[IPC.accountsList]({ url: 'https://evil.example/', isTopFrame: true }, []),
    ).rejects.toThrow(/refused/);
    await expect(handlers[IPC.linksReady](null, [])).rejects.toThrow(/refused/);
    expect(calls).toEqual([]);
  });

  it.each([
    [
      'a ws: server',
      IPC.accountsSave,
      [{ ...validInput, wssUrl: 'ws://pbx.example.com/ws' }],
      /argument 0\.wssUrl: expected wss/,
    ],
    ['an unknown key', IPC.accountsSave, [{ ...validInput, isAdmin: true }], /argument 0: Unrecognized key/],
    ['a missing argument', IPC.accountsSave, [], /arguments: Array must contain at least 1/],
    ['an extra argument', IPC.accountsRemove, ['a1', 'a2'], /arguments: Array must contain at most 1/],
    ['a bad id', IPC.accountsPassword, ['../../etc'], /argument 0: invalid account id/],
    ['a non-string id', IPC.accountsRemove, [42], /argument 0: Expected string/],
    ['an unknown setting', IPC.settingsUpdate, [{ theme: 'dark' }], /Unrecognized key/],
    ['an unknown language', IPC.settingsUpdate, [{ language: 'xx' }], /argument 0\.language/],
    ['an empty call id', IPC.notifyDismiss, [''], /argument 0/],
    [
      'a notice with extra keys',
      IPC.notifyIncomingCall,
      [{ callId: 'c', displayName: '', number: '', html: '<b>' }],
      /Unrecognized key/,
    ],
    ['arguments to a no-argument verb', IPC.appInfo, [1], /arguments: Array must contain at most 0/],
  ] as const)(
    'rejects %s with a clear message and does not call the service',
    async (_label, channel, args, message) => {
      const { services, calls } = recordingServices();
      const handlers = createIpcHandlers(services, trusted);
      await expect(handlers[channel](ours, args)).rejects.toThrow(message);
      await expect(handlers[channel](ours, args)).rejects.toThrow(new RegExp(`^${channel}: invalid `));
      expect(calls).toEqual([]);
    },
  );

  it('does not echo argument values in errors', async () => {
    const handlers = createIpcHandlers(recordingServices().services, trusted);
    const secret = 'hunter2-secret';
    await expect(
      handlers[IPC.accountsSave](ours, [{ ...validInput, password: secret, wssUrl: secret }]),
    ).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });

  it('passes service failures through as rejections', async () => {
    const { services } = recordingServices();
    services.accounts.save = async () => {
      throw new Error('Could not save accounts: ENOSPC');
    };
    const handlers = createIpcHandlers(services, trusted);
    await expect(handlers[IPC.accountsSave](ours, [validInput])).rejects.toThrow('ENOSPC');
  });
});
