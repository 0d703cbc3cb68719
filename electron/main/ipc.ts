/**
 * Main's side of the IPC contract: one handler per renderer-to-main {@link IPC} channel.
 *
 * Every call is checked before a service sees it:
 * 1. the sender is our own page (trusted origin) in a top frame (not an iframe, not a page it
 *    navigated to);
 * 2. the sender is the window the verb is for: the incoming-call window may only send
 *    `incoming.act` (for its own call) and `log.write`; the main window may call everything else and
 *    never `incoming.act`;
 * 3. every argument, and their number, parses with the contract's zod schemas.
 * A refused call rejects the renderer's promise with a message naming the channel; main keeps running.
 * Channels not in the table have no handler, so Electron rejects them.
 *
 * `log.write` is fire-and-forget (`ipcRenderer.send` / `ipcMain.on`): a refusal is reported to main's
 * log instead of to the page. The others are `invoke` / `handle`.
 *
 * {@link createIpcHandlers} is plain TypeScript over injected services, so the table is tested without
 * Electron; {@link bindIpcHandlers} is the thin part that hands it to `ipcMain`.
 */
import { z } from 'zod';
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import {
  IPC,
  accountIdSchema,
  accountInputSchema,
  certificateTrustRequestSchema,
  domainSchema,
  gatewayConnectRequestSchema,
  gatewaySendRequestSchema,
  incomingActionSchema,
  logEntrySchema,
  messageNoticeSchema,
  phoneStatusSchema,
  provisioningLinkSchema,
  recordingSchema,
  screenShareSourceIdSchema,
  settingsPatchSchema,
  webSocketProbeRequestSchema,
  type AppInfo,
  type IncomingAction,
  type IpcChannel,
  type LogEntry,
  type MessageNotice,
  type PhoneStatus,
  type RinglineApi,
} from '../common/contract';
import { isTrustedUrl, type TrustedOrigins } from './security';

/** The services the handlers call; `index.ts` passes the real ones. */
export interface MainServices {
  accounts: RinglineApi['accounts'];
  settings: RinglineApi['settings'];
  phone: { reportStatus(status: PhoneStatus): void; signedOut(): void };
  links: { rendererReady(): void };
  incoming: { act(action: IncomingAction): void };
  recordings: RinglineApi['recordings'];
  log: { write(entry: LogEntry): void };
  messages: { notify(notice: MessageNotice): void };
  appInfo(): AppInfo;
  certificates: Pick<RinglineApi['certificates'], 'trust'>;
  screenShare: RinglineApi['screenShare'];
  /** The SIP gateway; it checks that the server asked for is one of the account's own. */
  gateway: Omit<RinglineApi['gateway'], 'onEvent'>;
  provisioning: RinglineApi['provisioning'];
}

/** Which of our windows a message came from, by its `webContents.id`. */
export type SenderWindow = { kind: 'main' } | { kind: 'incoming'; callId: string } | { kind: 'unknown' };

/** Who sent an IPC message, taken from the event; null when the frame is already gone. */
export interface IpcSender {
  url: string;
  isTopFrame: boolean;
  window: SenderWindow;
}

/** Channels main sends to the renderer; nothing handles them in main. */
export type PushChannel =
  typeof IPC.phoneCommand | typeof IPC.linksLink | typeof IPC.certificatesProblem | typeof IPC.gatewayEvent;
/** Channels the renderer sends without waiting for an answer. */
export type SendChannel = typeof IPC.logWrite;
/** Channels the renderer invokes. */
export type InvokeChannel = Exclude<IpcChannel, PushChannel | SendChannel>;

export const SEND_CHANNELS: readonly SendChannel[] = [IPC.logWrite];

export type IpcHandler = (sender: IpcSender | null, args: readonly unknown[]) => Promise<unknown>;

export type IpcHandlers = Readonly<Record<InvokeChannel | SendChannel, IpcHandler>>;

/** Only our own page, in a window's top frame, may call main. */
export function isTrustedSender(sender: IpcSender | null, trusted: TrustedOrigins): boolean {
  return sender !== null && sender.isTopFrame && isTrustedUrl(sender.url, trusted);
}

function describeIssues(error: z.ZodError): string {
  // Paths and zod's messages only: echoing values could put a password into a log.
  return error.issues
    .map((issue) => {
      const [index, ...rest] = issue.path;
      const where =
        index === undefined ? 'arguments' : `argument ${index}${rest.map((p) => `.${p}`).join('')}`;
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

type Audience = 'main' | 'incoming' | 'any';

function verb<S extends z.ZodTypeAny>(
  channel: InvokeChannel | SendChannel,
  audience: Audience,
  argsSchema: S,
  trusted: TrustedOrigins,
  run: (args: z.output<S>, sender: IpcSender) => unknown,
): IpcHandler {
  return async (sender, args) => {
    if (sender === null || !isTrustedSender(sender, trusted)) {
      throw new Error(`${channel}: refused, the sender is not Ringline's own page`);
    }
    const kind = sender.window.kind;
    if (kind === 'unknown' || (audience !== 'any' && audience !== kind)) {
      throw new Error(`${channel}: refused, not available to the ${kind} window`);
    }
    const parsed = argsSchema.safeParse(args);
    if (!parsed.success) throw new Error(`${channel}: invalid ${describeIssues(parsed.error)}`);
    return run(parsed.data, sender);
  };
}

const noArgs = z.tuple([]);

/** The handler for every channel the renderer may use. */
export function createIpcHandlers(services: MainServices, trusted: TrustedOrigins): IpcHandlers {
  return {
    [IPC.accountsList]: verb(IPC.accountsList, 'main', noArgs, trusted, () => services.accounts.list()),
    [IPC.accountsSave]: verb(IPC.accountsSave, 'main', z.tuple([accountInputSchema]), trusted, ([input]) =>
      services.accounts.save(input),
    ),
    [IPC.accountsRemove]: verb(IPC.accountsRemove, 'main', z.tuple([accountIdSchema]), trusted, ([id]) =>
      services.accounts.remove(id),
    ),
    [IPC.accountsPassword]: verb(IPC.accountsPassword, 'main', z.tuple([accountIdSchema]), trusted, ([id]) =>
      services.accounts.password(id),
    ),
    [IPC.accountsTurnCredentials]: verb(
      IPC.accountsTurnCredentials,
      'main',
      z.tuple([accountIdSchema]),
      trusted,
      ([id]) => services.accounts.turnCredentials(id),
    ),
    [IPC.settingsGet]: verb(IPC.settingsGet, 'main', noArgs, trusted, () => services.settings.get()),
    [IPC.recordingsSave]: verb(
      IPC.recordingsSave,
      'main',
      z.tuple([recordingSchema]),
      trusted,
      ([recording]) => services.recordings.save(recording),
    ),
    [IPC.recordingsChooseFolder]: verb(IPC.recordingsChooseFolder, 'main', noArgs, trusted, () =>
      services.recordings.chooseFolder(),
    ),
    [IPC.settingsUpdate]: verb(
      IPC.settingsUpdate,
      'main',
      z.tuple([settingsPatchSchema]),
      trusted,
      ([patch]) => services.settings.update(patch),
    ),
    [IPC.phoneReportStatus]: verb(
      IPC.phoneReportStatus,
      'main',
      z.tuple([phoneStatusSchema]),
      trusted,
      ([status]) => {
        services.phone.reportStatus(status);
      },
    ),
    [IPC.phoneSignedOut]: verb(IPC.phoneSignedOut, 'main', noArgs, trusted, () => services.phone.signedOut()),
    [IPC.linksReady]: verb(IPC.linksReady, 'main', noArgs, trusted, () => services.links.rendererReady()),
    [IPC.incomingAct]: verb(
      IPC.incomingAct,
      'incoming',
      z.tuple([incomingActionSchema]),
      trusted,
      ([action], sender) => {
        // A window may only answer or decline the call it was opened for.
        if (sender.window.kind !== 'incoming' || sender.window.callId !== action.callId) {
          throw new Error(`${IPC.incomingAct}: refused, not this window's call`);
        }
        services.incoming.act(action);
      },
    ),
    [IPC.logWrite]: verb(IPC.logWrite, 'any', z.tuple([logEntrySchema]), trusted, ([entry]) => {
      services.log.write(entry);
    }),
    [IPC.appInfo]: verb(IPC.appInfo, 'main', noArgs, trusted, () => services.appInfo()),
    [IPC.certificatesTrust]: verb(
      IPC.certificatesTrust,
      'main',
      z.tuple([certificateTrustRequestSchema]),
      trusted,
      ([request]) => services.certificates.trust(request),
    ),
    [IPC.messagesNotify]: verb(
      IPC.messagesNotify,
      'main',
      z.tuple([messageNoticeSchema]),
      trusted,
      ([notice]) => {
        services.messages.notify(notice);
      },
    ),
    [IPC.screenShareSources]: verb(IPC.screenShareSources, 'main', noArgs, trusted, () =>
      services.screenShare.sources(),
    ),
    [IPC.screenShareChoose]: verb(
      IPC.screenShareChoose,
      'main',
      z.tuple([screenShareSourceIdSchema]),
      trusted,
      ([sourceId]) => services.screenShare.choose(sourceId),
    ),
    [IPC.gatewayAvailability]: verb(IPC.gatewayAvailability, 'main', noArgs, trusted, () =>
      services.gateway.availability(),
    ),
    [IPC.gatewayConnect]: verb(
      IPC.gatewayConnect,
      'main',
      z.tuple([gatewayConnectRequestSchema]),
      trusted,
      ([request]) => services.gateway.connect(request),
    ),
    [IPC.gatewaySend]: verb(
      IPC.gatewaySend,
      'main',
      z.tuple([gatewaySendRequestSchema]),
      trusted,
      ([request]) => services.gateway.send(request),
    ),
    [IPC.gatewayDisconnect]: verb(
      IPC.gatewayDisconnect,
      'main',
      z.tuple([accountIdSchema]),
      trusted,
      ([accountId]) => services.gateway.disconnect(accountId),
    ),
    [IPC.gatewayLookup]: verb(IPC.gatewayLookup, 'main', z.tuple([domainSchema]), trusted, ([domain]) =>
      services.gateway.lookup(domain),
    ),
    [IPC.gatewayProbe]: verb(
      IPC.gatewayProbe,
      'main',
      z.tuple([webSocketProbeRequestSchema]),
      trusted,
      ([request]) => services.gateway.probe(request),
    ),
    [IPC.provisioningFetch]: verb(
      IPC.provisioningFetch,
      'main',
      z.tuple([provisioningLinkSchema]),
      trusted,
      ([link]) => services.provisioning.fetch(link),
    ),
  };
}

function senderOf(
  event: IpcMainInvokeEvent | IpcMainEvent,
  identify: (webContentsId: number) => SenderWindow,
): IpcSender | null {
  const frame = event.senderFrame;
  if (frame === null) return null;
  return { url: frame.url, isTopFrame: frame.parent === null, window: identify(event.sender.id) };
}

/**
 * Registers the table with `ipcMain`: `handle` for invoked channels, `on` for {@link SEND_CHANNELS}.
 * Call once, after `app` is ready and before a window loads.
 *
 * @param identify which of our windows a `webContents.id` belongs to.
 * @param onRefused called with the error when a fire-and-forget message is refused.
 */
export function bindIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'on'>,
  handlers: IpcHandlers,
  identify: (webContentsId: number) => SenderWindow,
  onRefused: (error: unknown) => void,
): void {
  const sendChannels: ReadonlySet<string> = new Set(SEND_CHANNELS);
  for (const [channel, handler] of Object.entries(handlers)) {
    if (sendChannels.has(channel)) {
      ipcMain.on(channel, (event, ...args: unknown[]) => {
        handler(senderOf(event, identify), args).catch(onRefused);
      });
    } else {
      ipcMain.handle(channel, (event, ...args: unknown[]) => handler(senderOf(event, identify), args));
    }
  }
}
