/**
 * The small always-on-top incoming-call windows, used where the OS notification cannot carry Answer /
 * Decline buttons (Linux; anywhere notifications are unsupported or fail). One window per ringing call.
 *
 * Each window loads `incoming.html` with the caller in its query and may do exactly one thing: send
 * `incoming.act` for *its* call. `ipc.ts` checks that the sender is one of these windows and that the
 * call id is the one the window was opened for; this class then forwards the command to the main
 * window's phone and closes the window. Plain TypeScript: the `BrowserWindow` is made by
 * `incoming-window.ts` and passed in through {@link IncomingWindowFactory}.
 */
import type { IncomingAction, PhoneCommand, RingingCall } from '../common/contract';
import type { DesktopLocale } from './desktop-strings';

/** The part of a `BrowserWindow` this class needs. */
export interface IncomingWindowHandle {
  readonly webContentsId: number;
  close(): void;
  /** Called once when the window is gone, however it was closed. */
  onClosed(listener: () => void): void;
}

/** Opens a window on `url`; `slot` is its position in the stack (0 = lowest), so windows do not overlap. */
export type IncomingWindowFactory = (url: string, slot: number) => IncomingWindowHandle;

/**
 * `<base>/incoming.html?callId=…&name=…&number=…&lang=…`. The page reads these and renders them as
 * text; `URLSearchParams` encodes them, so a display name cannot add parameters or change the path.
 *
 * @param base `app://ringline` in a build, the Vite dev server's URL in development.
 */
export function incomingPageUrl(base: string, call: RingingCall, lang: DesktopLocale): string {
  const url = new URL('incoming.html', base.endsWith('/') ? base : `${base}/`);
  url.search = new URLSearchParams({
    callId: call.callId,
    name: call.displayName,
    number: call.number,
    lang,
  }).toString();
  return url.toString();
}

export interface IncomingWindowsOptions {
  create: IncomingWindowFactory;
  /** See {@link incomingPageUrl}. */
  pageBase: string;
  /** Sends a command to the main window's phone. */
  sendCommand: (command: PhoneCommand) => void;
}

export class IncomingWindows {
  readonly #options: IncomingWindowsOptions;
  readonly #byCall = new Map<string, IncomingWindowHandle>();

  constructor(options: IncomingWindowsOptions) {
    this.#options = options;
  }

  /** Opens the window for a ringing call; does nothing if it is already open. */
  open(call: RingingCall, locale: DesktopLocale): void {
    if (this.#byCall.has(call.callId)) return;
    const window = this.#options.create(
      incomingPageUrl(this.#options.pageBase, call, locale),
      this.#byCall.size,
    );
    this.#byCall.set(call.callId, window);
    window.onClosed(() => {
      if (this.#byCall.get(call.callId) === window) this.#byCall.delete(call.callId);
    });
  }

  /** Closes the call's window (the call stopped ringing); unknown ids are ignored. */
  close(callId: string): void {
    const window = this.#byCall.get(callId);
    if (window === undefined) return;
    this.#byCall.delete(callId);
    window.close();
  }

  closeAll(): void {
    for (const callId of [...this.#byCall.keys()]) this.close(callId);
  }

  /** The call a window was opened for, by its `webContents.id`; null when it is not one of ours. */
  callIdOf(webContentsId: number): string | null {
    for (const [callId, window] of this.#byCall) {
      if (window.webContentsId === webContentsId) return callId;
    }
    return null;
  }

  /**
   * The user pressed Answer, Decline or Busy in a window. `ipc.ts` has already checked that the
   * action's call id is the window's own. Forwards the command and closes the window.
   */
  act(action: IncomingAction): void {
    if (!this.#byCall.has(action.callId)) return;
    const { callId } = action;
    this.#options.sendCommand(
      action.action === 'answer'
        ? { kind: 'answer', callId }
        : { kind: 'decline', callId, statusCode: action.action === 'busy' ? 486 : 603 },
    );
    this.close(action.callId);
  }
}
