/**
 * Main's side of the IPC contract: one `ipcMain.handle` per {@link IPC} channel.
 *
 * Every call is checked twice before a service sees it:
 * 1. the sender is our page in a top frame (not an iframe, not a page it navigated to);
 * 2. every argument, and their number, parses with the contract's zod schemas.
 * A refused call rejects the renderer's promise with a message naming the channel; main keeps running.
 * Channels not in the table have no handler, so Electron rejects them.
 *
 * {@link createIpcHandlers} is plain TypeScript over injected services, so the table is tested without
 * Electron; {@link bindIpcHandlers} is the thin part that hands it to `ipcMain`.
 */
import { z } from 'zod';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  IPC,
  accountIdSchema,
  accountInputSchema,
  incomingCallNoticeSchema,
  settingsPatchSchema,
  type AppInfo,
  type IncomingCallNotice,
  type IpcChannel,
  type RinglineApi,
} from '../common/contract';
import { isTrustedUrl, type TrustedOrigins } from './security';

/** The services the handlers call; `index.ts` passes the real ones. */
export interface MainServices {
  accounts: RinglineApi['accounts'];
  settings: RinglineApi['settings'];
  notifications: {
    incomingCall(notice: IncomingCallNotice): void;
    dismiss(callId: string): void;
  };
  links: { rendererReady(): void };
  appInfo(): AppInfo;
}

/** Who sent an IPC message, taken from `event.senderFrame`; null when the frame is already gone. */
export interface IpcSender {
  url: string;
  isTopFrame: boolean;
}

/** Channels the renderer invokes; `linksDialRequest` goes the other way (main -> renderer). */
export type InvokeChannel = Exclude<IpcChannel, typeof IPC.linksDialRequest>;

export type IpcHandler = (sender: IpcSender | null, args: readonly unknown[]) => Promise<unknown>;

export type IpcHandlers = Readonly<Record<InvokeChannel, IpcHandler>>;

/** Only our own page, in the window's top frame, may call main. */
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

function verb<S extends z.ZodTypeAny>(
  channel: InvokeChannel,
  argsSchema: S,
  trusted: TrustedOrigins,
  run: (args: z.output<S>) => unknown,
): IpcHandler {
  return async (sender, args) => {
    if (!isTrustedSender(sender, trusted)) {
      throw new Error(`${channel}: refused, the sender is not Ringline's own page`);
    }
    const parsed = argsSchema.safeParse(args);
    if (!parsed.success) throw new Error(`${channel}: invalid ${describeIssues(parsed.error)}`);
    return run(parsed.data);
  };
}

const noArgs = z.tuple([]);

/** The handler for every channel the renderer may invoke. */
export function createIpcHandlers(services: MainServices, trusted: TrustedOrigins): IpcHandlers {
  return {
    [IPC.accountsList]: verb(IPC.accountsList, noArgs, trusted, () => services.accounts.list()),
    [IPC.accountsSave]: verb(IPC.accountsSave, z.tuple([accountInputSchema]), trusted, ([input]) =>
      services.accounts.save(input),
    ),
    [IPC.accountsRemove]: verb(IPC.accountsRemove, z.tuple([accountIdSchema]), trusted, ([id]) =>
      services.accounts.remove(id),
    ),
    [IPC.accountsPassword]: verb(IPC.accountsPassword, z.tuple([accountIdSchema]), trusted, ([id]) =>
      services.accounts.password(id),
    ),
    [IPC.settingsGet]: verb(IPC.settingsGet, noArgs, trusted, () => services.settings.get()),
    [IPC.settingsUpdate]: verb(IPC.settingsUpdate, z.tuple([settingsPatchSchema]), trusted, ([patch]) =>
      services.settings.update(patch),
    ),
    [IPC.notifyIncomingCall]: verb(
      IPC.notifyIncomingCall,
      z.tuple([incomingCallNoticeSchema]),
      trusted,
      ([n]) => services.notifications.incomingCall(n),
    ),
    [IPC.notifyDismiss]: verb(
      IPC.notifyDismiss,
      z.tuple([incomingCallNoticeSchema.shape.callId]),
      trusted,
      ([id]) => services.notifications.dismiss(id),
    ),
    [IPC.linksReady]: verb(IPC.linksReady, noArgs, trusted, () => services.links.rendererReady()),
    [IPC.appInfo]: verb(IPC.appInfo, noArgs, trusted, () => services.appInfo()),
  };
}

function senderOf(event: IpcMainInvokeEvent): IpcSender | null {
  const frame = event.senderFrame;
  return frame === null ? null : { url: frame.url, isTopFrame: frame.parent === null };
}

/** Registers the table with `ipcMain`. Call once, after `app` is ready and before the window loads. */
export function bindIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, handlers: IpcHandlers): void {
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => handler(senderOf(event), args));
  }
}
