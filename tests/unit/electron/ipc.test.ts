import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  IDLE_PHONE_STATUS,
  IPC,
  type Account,
  type AccountInput,
  type IncomingAction,
  type LogEntry,
  type PhoneStatus,
  type SettingsPatch,
} from '../../../electron/common/contract';
import {
  SEND_CHANNELS,
  bindIpcHandlers,
  createIpcHandlers,
  isTrustedSender,
  type IpcHandlers,
  type IpcSender,
  type MainServices,
  type SenderWindow,
} from '../../../electron/main/ipc';
import { trustedOrigins } from '../../../electron/main/security';

const trusted = trustedOrigins('http://localhost:5173');
const ours: IpcSender = {
  url: 'app://ringline/index.html#/accounts',
  isTopFrame: true,
  window: { kind: 'main' },
};
const incomingWindow: IpcSender = {
  url: 'app://ringline/incoming.html?callId=c1',
  isTopFrame: true,
  window: { kind: 'incoming', callId: 'c1' },
};

const validInput: AccountInput = {
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  wssUrl: 'wss://pbx.example.com/ws',
};

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(
  ':',
);

const ringingStatus: PhoneStatus = {
  ...IDLE_PHONE_STATUS,
  accounts: [{ id: 'a1', name: 'Alice', state: 'registered' }],
  ringing: [{ callId: 'c1', displayName: 'Bob', number: '1002' }],
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
      turnCredentials: async (id: string) => {
        calls.push(`accounts.turnCredentials:${id}`);
        return ['turn-secret'];
      },
    },
    settings: {
      get: async () => ({ settings: DEFAULT_SETTINGS, problems: [] }),
      update: async (patch: SettingsPatch) => {
        calls.push(`settings.update:${JSON.stringify(patch)}`);
        return { ...DEFAULT_SETTINGS, ...patch };
      },
    },
    phone: {
      reportStatus: (status: PhoneStatus) => calls.push(`phone.status:${status.ringing.length}`),
      signedOut: () => calls.push('phone.signedOut'),
    },
    links: { rendererReady: () => calls.push('links.ready') },
    recordings: {
      save: async (recording) => {
        calls.push(`recordings.save:${recording.fileName}:${recording.bytes.byteLength}`);
        return { location: `/music/${recording.fileName}` };
      },
      chooseFolder: async () => {
        calls.push('recordings.chooseFolder');
        return null;
      },
    },
    incoming: { act: (action: IncomingAction) => calls.push(`incoming.${action.action}:${action.callId}`) },
    log: { write: (entry: LogEntry) => calls.push(`log.${entry.level}:${entry.scope}`) },
    messages: { notify: (notice) => calls.push(`messages.notify:${notice.conversation}`) },
    appInfo: () => ({ name: 'Ringline', version: '0.1.0', platform: 'linux', host: 'electron' }),
    certificates: {
      trust: async (request) => {
        calls.push(`certificates.trust:${request.accountId}`);
        return { ...account, trustedCertificate: { host: 'pbx.example.com:443', sha256: request.sha256 } };
      },
    },
    screenShare: {
      sources: async () => {
        calls.push('screenShare.sources');
        return [];
      },
      choose: async (sourceId: string) => {
        calls.push(`screenShare.choose:${sourceId}`);
      },
    },
    gateway: {
      availability: async () => {
        calls.push('gateway.availability');
        return { available: true };
      },
      connect: async (request) => {
        calls.push(`gateway.connect:${request.accountId}:${request.transport}:${request.server}`);
        return { ok: false, error: { kind: 'unreachable', detail: 'test' } };
      },
      send: async (request) => {
        calls.push(`gateway.send:${request.accountId}`);
      },
      disconnect: async (accountId: string) => {
        calls.push(`gateway.disconnect:${accountId}`);
      },
      lookup: async (domain: string) => {
        calls.push(`gateway.lookup:${domain}`);
        return { domain, targets: [] };
      },
      probe: async (request) => {
        calls.push(`gateway.probe:${request.url}`);
        return { stage: 'ok' };
      },
    },
    provisioning: {
      fetch: async (link: string) => {
        calls.push(`provisioning.fetch:${link}`);
        return { ok: true, text: '{}' };
      },
    },
  };
  return { services, calls };
}

function handlersAndCalls(): { handlers: IpcHandlers; calls: string[] } {
  const { services, calls } = recordingServices();
  return { handlers: createIpcHandlers(services, trusted), calls };
}

describe('isTrustedSender', () => {
  it('accepts our page in the top frame, in production and dev', () => {
    expect(isTrustedSender(ours, trusted)).toBe(true);
    expect(isTrustedSender({ ...ours, url: 'http://localhost:5173/' }, trusted)).toBe(true);
  });

  it('refuses sub frames, other origins and a vanished frame', () => {
    expect(isTrustedSender({ ...ours, isTopFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: 'https://evil.example/' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: 'file:///tmp/x.html' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: 'about:blank' }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
  });
});

describe('createIpcHandlers', () => {
  it('has exactly one handler per renderer-to-main channel, none for main-to-renderer ones', () => {
    const { handlers } = handlersAndCalls();
    const pushed: string[] = [IPC.phoneCommand, IPC.linksLink, IPC.certificatesProblem, IPC.gatewayEvent];
    const expected = Object.values(IPC).filter((channel) => !pushed.includes(channel));
    expect(Object.keys(handlers).sort()).toEqual([...expected].sort());
  });

  it('passes validated arguments to the services and returns their results', async () => {
    const { handlers, calls } = handlersAndCalls();
    expect(await handlers[IPC.accountsList](ours, [])).toMatchObject({ secretStorage: 'session-only' });
    expect(await handlers[IPC.accountsSave](ours, [validInput])).toMatchObject({ id: 'a1' });
    await handlers[IPC.accountsRemove](ours, ['a1']);
    expect(await handlers[IPC.accountsPassword](ours, ['a1'])).toBe('pw');
    expect(await handlers[IPC.accountsTurnCredentials](ours, ['a1'])).toEqual(['turn-secret']);
    expect(await handlers[IPC.settingsUpdate](ours, [{ language: 'en' }])).toMatchObject({ language: 'en' });
    expect(await handlers[IPC.phoneReportStatus](ours, [ringingStatus])).toBeUndefined();
    await handlers[IPC.phoneSignedOut](ours, []);
    await handlers[IPC.linksReady](ours, []);
    expect(
      await handlers[IPC.incomingAct](incomingWindow, [{ callId: 'c1', action: 'answer' }]),
    ).toBeUndefined();
    await handlers[IPC.logWrite](ours, [{ level: 'warn', scope: 'sip', message: 'x' }]);
    await handlers[IPC.logWrite](incomingWindow, [{ level: 'error', scope: 'incoming', message: 'y' }]);
    expect(
      await handlers[IPC.certificatesTrust](ours, [{ accountId: 'a1', sha256: FINGERPRINT }]),
    ).toMatchObject({ trustedCertificate: { sha256: FINGERPRINT } });
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
      'accounts.turnCredentials:a1',
      'settings.update:{"language":"en"}',
      'phone.status:1',
      'phone.signedOut',
      'links.ready',
      'incoming.answer:c1',
      'log.warn:sip',
      'log.error:incoming',
      'certificates.trust:a1',
    ]);
  });

  it('refuses untrusted senders before looking at arguments', async () => {
    const { handlers, calls } = handlersAndCalls();
    await expect(handlers[IPC.accountsPassword]({ ...ours, isTopFrame: false }, ['a1'])).rejects.toThrow(
      "ringline:accounts.password: refused, the sender is not Ringline's own page",
    );
    await expect(handlers[IPC.accountsList]({ ...ours, url: 'https://evil.example/' }, [])).rejects.toThrow(
      /refused/,
    );
    await expect(handlers[IPC.linksReady](null, [])).rejects.toThrow(/refused/);
    await expect(handlers[IPC.logWrite](null, [{ level: 'info', scope: 's', message: 'm' }])).rejects.toThrow(
      /refused/,
    );
    expect(calls).toEqual([]);
  });

  it('gives the incoming-call window only incoming.act and log.write', async () => {
    const { handlers, calls } = handlersAndCalls();
    for (const [channel, args] of [
      [IPC.accountsPassword, ['a1']],
      [IPC.accountsList, []],
      [IPC.settingsUpdate, [{ doNotDisturb: true }]],
      [IPC.phoneReportStatus, [IDLE_PHONE_STATUS]],
      [IPC.phoneSignedOut, []],
      [IPC.linksReady, []],
      [IPC.appInfo, []],
      [IPC.certificatesTrust, [{ accountId: 'a1', sha256: FINGERPRINT }]],
      [IPC.messagesNotify, [{ conversation: 'a1|1002@pbx', sender: 'Bob', preview: 'hi' }]],
    ] as const) {
      await expect(handlers[channel](incomingWindow, args), channel).rejects.toThrow(
        `${channel}: refused, not available to the incoming window`,
      );
    }
    expect(calls).toEqual([]);
  });

  it('refuses incoming.act from the main window and from unknown windows', async () => {
    const { handlers, calls } = handlersAndCalls();
    const action = [{ callId: 'c1', action: 'answer' }];
    await expect(handlers[IPC.incomingAct](ours, action)).rejects.toThrow(/not available to the main window/);
    const stranger: IpcSender = { ...incomingWindow, window: { kind: 'unknown' } };
    await expect(handlers[IPC.incomingAct](stranger, action)).rejects.toThrow(
      /not available to the unknown window/,
    );
    await expect(
      handlers[IPC.logWrite](stranger, [{ level: 'info', scope: 's', message: 'm' }]),
    ).rejects.toThrow(/unknown window/);
    expect(calls).toEqual([]);
  });

  it('lets an incoming-call window act only on its own call', async () => {
    const { handlers, calls } = handlersAndCalls();
    await expect(
      handlers[IPC.incomingAct](incomingWindow, [{ callId: 'c2', action: 'decline' }]),
    ).rejects.toThrow("ringline:incoming.act: refused, not this window's call");
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
    [
      'a bad accelerator',
      IPC.settingsUpdate,
      [{ shortcuts: { ...DEFAULT_SETTINGS.shortcuts, answer: 'Ctrl+;' } }],
      /argument 0\.shortcuts\.answer/,
    ],
    [
      'a status with extra keys',
      IPC.phoneReportStatus,
      [{ ...IDLE_PHONE_STATUS, html: '<b>' }],
      /Unrecognized key/,
    ],
    ['a status missing fields', IPC.phoneReportStatus, [{ accounts: [] }], /argument 0\.ringing/],
    [
      'a ringing call with extra keys',
      IPC.phoneReportStatus,
      [{ ...ringingStatus, ringing: [{ callId: 'c', displayName: '', number: '', html: '<b>' }] }],
      /argument 0\.ringing\.0: Unrecognized key/,
    ],
    [
      'a negative missed count',
      IPC.phoneReportStatus,
      [{ ...IDLE_PHONE_STATUS, missedCalls: -1 }],
      /missedCalls/,
    ],
    ['arguments to a no-argument verb', IPC.appInfo, [1], /arguments: Array must contain at most 0/],
    ['arguments to phone.signedOut', IPC.phoneSignedOut, [true], /arguments: Array must contain at most 0/],
    [
      'a wss: port of 0',
      IPC.accountsSave,
      [{ ...validInput, wssUrl: 'wss://pbx:0/ws' }],
      /wssUrl: .*\(port\)/,
    ],
    [
      'a wss: port above 65535',
      IPC.accountsSave,
      [{ ...validInput, wssUrl: 'wss://pbx:65536/ws' }],
      /wssUrl: .*\(port\)/,
    ],
    [
      'credentials in the wss: URL',
      IPC.accountsSave,
      [{ ...validInput, wssUrl: 'wss://u:p@pbx/ws' }],
      /wssUrl: .*\(credentials\)/,
    ],
    [
      'a trusted certificate smuggled into the account form',
      IPC.accountsSave,
      [{ ...validInput, trustedCertificate: { host: 'pbx.example.com:443', sha256: FINGERPRINT } }],
      /argument 0: Unrecognized key.*trustedCertificate/,
    ],
    [
      'a lower-case fingerprint',
      IPC.certificatesTrust,
      [{ accountId: 'a1', sha256: FINGERPRINT.toLowerCase() }],
      /argument 0\.sha256: expected a SHA-256 fingerprint/,
    ],
    [
      'a fingerprint without colons',
      IPC.certificatesTrust,
      [{ accountId: 'a1', sha256: FINGERPRINT.replaceAll(':', '') }],
      /argument 0\.sha256/,
    ],
    [
      'a SHA-1 length fingerprint',
      IPC.certificatesTrust,
      [{ accountId: 'a1', sha256: FINGERPRINT.slice(0, 59) }],
      /argument 0\.sha256/,
    ],
    [
      'a trust request naming a host',
      IPC.certificatesTrust,
      [{ accountId: 'a1', sha256: FINGERPRINT, host: 'evil.example:443' }],
      /argument 0: Unrecognized key/,
    ],
    [
      'a trust request with a bad id',
      IPC.certificatesTrust,
      [{ accountId: '../x', sha256: FINGERPRINT }],
      /accountId/,
    ],
  ] as const)(
    'rejects %s with a clear message and does not call the service',
    async (_label, channel, args, message) => {
      const { handlers, calls } = handlersAndCalls();
      await expect(handlers[channel](ours, args)).rejects.toThrow(message);
      await expect(handlers[channel](ours, args)).rejects.toThrow(new RegExp(`^${channel}: invalid `));
      expect(calls).toEqual([]);
    },
  );

  it.each([
    ['an unknown action', IPC.incomingAct, [{ callId: 'c1', action: 'transfer' }], /argument 0\.action/],
    ['an empty call id', IPC.incomingAct, [{ callId: '', action: 'answer' }], /argument 0\.callId/],
    [
      'an unknown log level',
      IPC.logWrite,
      [{ level: 'fatal', scope: 's', message: 'm' }],
      /argument 0\.level/,
    ],
    [
      'an over-long log message',
      IPC.logWrite,
      [{ level: 'info', scope: 's', message: 'x'.repeat(16_385) }],
      /message/,
    ],
  ] as const)('rejects %s from the incoming-call window', async (_label, channel, args, message) => {
    const { handlers, calls } = handlersAndCalls();
    await expect(handlers[channel](incomingWindow, args)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('saves recordings only as plain .webm names with bytes, never paths', async () => {
    const { handlers, calls } = handlersAndCalls();
    const bytes = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]);
    expect(await handlers[IPC.recordingsSave](ours, [{ fileName: 'call-1010.webm', bytes }])).toEqual({
      location: '/music/call-1010.webm',
    });
    for (const fileName of ['../../.bashrc.webm', 'a/b.webm', 'call.exe', '.webm']) {
      await expect(handlers[IPC.recordingsSave](ours, [{ fileName, bytes }])).rejects.toThrow(/file name/);
    }
    await expect(
      handlers[IPC.recordingsSave](ours, [{ fileName: 'x.webm', bytes: 'not bytes' }]),
    ).rejects.toThrow(/recordings.save: invalid/);
    await expect(
      handlers[IPC.recordingsSave](incomingWindow, [{ fileName: 'x.webm', bytes }]),
    ).rejects.toThrow(/not available/);
    expect(await handlers[IPC.recordingsChooseFolder](ours, [])).toBeNull();
    expect(calls).toEqual(['recordings.save:call-1010.webm:4', 'recordings.chooseFolder']);
  });

  it('provisioning links: fetched for the main window only, one bounded string', async () => {
    const { handlers, calls } = handlersAndCalls();
    const link = 'https://admin.example.com/alice.json';
    expect(await handlers[IPC.provisioningFetch](ours, [link])).toEqual({ ok: true, text: '{}' });
    await expect(handlers[IPC.provisioningFetch](incomingWindow, [link])).rejects.toThrow(/incoming window/);
    await expect(handlers[IPC.provisioningFetch](ours, [{ url: link }])).rejects.toThrow(
      /invalid argument 0/,
    );
    await expect(
      handlers[IPC.provisioningFetch](ours, [`https://a.example/${'x'.repeat(2100)}`]),
    ).rejects.toThrow(/invalid argument 0/);
    expect(calls).toEqual([`provisioning.fetch:${link}`]);
  });

  it('screen share: only the main window, only well-formed source ids', async () => {
    const { handlers, calls } = handlersAndCalls();
    await handlers[IPC.screenShareSources](ours, []);
    await handlers[IPC.screenShareChoose](ours, ['window:1234:0']);
    await expect(handlers[IPC.screenShareChoose](ours, ['file:///etc/passwd'])).rejects.toThrow(
      /screenShare\.choose: invalid argument 0: expected a screen or window source id/,
    );
    await expect(handlers[IPC.screenShareSources](incomingWindow, [])).rejects.toThrow(/incoming window/);
    expect(calls).toEqual(['screenShare.sources', 'screenShare.choose:window:1234:0']);
  });

  it('gateway verbs: the main window only, each argument validated before the gateway sees it', async () => {
    const { handlers, calls } = handlersAndCalls();
    const connect = { accountId: 'a1', transport: 'udp', server: 'sip.example.com:5060' };
    await handlers[IPC.gatewayAvailability](ours, []);
    await handlers[IPC.gatewayConnect](ours, [connect]);
    await handlers[IPC.gatewaySend](ours, [{ accountId: 'a1', message: 'OPTIONS sip:x SIP/2.0\r\n\r\n' }]);
    await handlers[IPC.gatewayDisconnect](ours, ['a1']);
    await handlers[IPC.gatewayLookup](ours, ['example.com']);
    await handlers[IPC.gatewayProbe](ours, [{ url: 'wss://pbx.example.com/ws' }]);
    const refused: [keyof IpcHandlers, unknown[]][] = [
      [IPC.gatewayConnect, [{ ...connect, transport: 'sctp' }]],
      [IPC.gatewayConnect, [{ ...connect, server: 'sip.example.com:99999' }]],
      // Where SIP goes is the account's server, never a field the renderer adds.
      [IPC.gatewayConnect, [{ ...connect, destination: '203.0.113.9:5060' }]],
      [IPC.gatewayConnect, [{ ...connect, accountId: '../../a1' }]],
      [IPC.gatewaySend, [{ accountId: 'a1', message: '' }]],
      [IPC.gatewaySend, [{ accountId: 'a1', message: 'x'.repeat(65_536) }]],
      [IPC.gatewaySend, [{ accountId: 'a1', message: 'OPTIONS', to: '203.0.113.9' }]],
      [IPC.gatewayDisconnect, [42]],
      [IPC.gatewayLookup, ['example.com; rm -rf /']],
      [IPC.gatewayProbe, [{ url: 'http://pbx.example.com/ws' }]],
    ];
    for (const [channel, args] of refused) {
      await expect(handlers[channel](ours, args), channel).rejects.toThrow(/invalid argument 0/);
    }
    await expect(handlers[IPC.gatewayConnect](incomingWindow, [connect])).rejects.toThrow(/incoming window/);
    await expect(handlers[IPC.gatewaySend]({ ...ours, isTopFrame: false }, [])).rejects.toThrow();
    expect(calls).toEqual([
      'gateway.availability',
      'gateway.connect:a1:udp:sip.example.com:5060',
      'gateway.send:a1',
      'gateway.disconnect:a1',
      'gateway.lookup:example.com',
      'gateway.probe:wss://pbx.example.com/ws',
    ]);
  });

  it('does not echo argument values in errors', async () => {
    const { handlers } = handlersAndCalls();
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

describe('bindIpcHandlers', () => {
  type Listener = (event: unknown, ...args: unknown[]) => unknown;

  /** Records what was registered with `ipcMain`, and lets a test fire a message at it. */
  function fakeIpcMain() {
    const handled = new Map<string, Listener>();
    const listened = new Map<string, Listener>();
    const ipcMain = {
      handle: (channel: string, listener: Listener) => void handled.set(channel, listener),
      on: (channel: string, listener: Listener) => {
        listened.set(channel, listener);
        return ipcMain;
      },
    };
    return { ipcMain, handled, listened };
  }

  function event(id: number, url = 'app://ringline/index.html', parent: unknown = null) {
    return { sender: { id }, senderFrame: { url, parent } };
  }

  it('uses handle for invoked verbs and on for log.write, and identifies the sender window', async () => {
    const { services, calls } = recordingServices();
    const { ipcMain, handled, listened } = fakeIpcMain();
    const refused: unknown[] = [];
    const windows: Record<number, SenderWindow> = {
      1: { kind: 'main' },
      2: { kind: 'incoming', callId: 'c1' },
    };
    bindIpcHandlers(
      ipcMain as never,
      createIpcHandlers(services, trusted),
      (id) => windows[id] ?? { kind: 'unknown' },
      (error) => refused.push(error),
    );
    expect([...listened.keys()]).toEqual([...SEND_CHANNELS]);
    expect(handled.has(IPC.logWrite)).toBe(false);
    expect(handled.size).toBe(Object.keys(IPC).length - 4 - SEND_CHANNELS.length);

    await handled.get(IPC.linksReady)?.(event(1));
    await expect(handled.get(IPC.linksReady)?.(event(2))).rejects.toThrow(/incoming window/);
    await handled.get(IPC.incomingAct)?.(event(2, 'app://ringline/incoming.html'), {
      callId: 'c1',
      action: 'decline',
    });
    await expect(handled.get(IPC.accountsList)?.(event(1, 'app://ringline/index.html', {}))).rejects.toThrow(
      /not Ringline's own page/,
    );
    await expect(handled.get(IPC.accountsList)?.({ sender: { id: 1 }, senderFrame: null })).rejects.toThrow(
      /refused/,
    );

    listened.get(IPC.logWrite)?.(event(1), { level: 'info', scope: 'ui', message: 'hello' });
    listened.get(IPC.logWrite)?.(event(9), { level: 'info', scope: 'ui', message: 'hello' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(['links.ready', 'incoming.decline:c1', 'log.info:ui']);
    expect(refused).toHaveLength(1);
    expect(String(refused[0])).toMatch(/ringline:log\.write: refused, not available to the unknown window/);
  });
});
