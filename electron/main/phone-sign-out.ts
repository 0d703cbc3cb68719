/**
 * Signing the phone out before the main window closes for good (the app quits, or the window is
 * closed with no tray to stay in).
 *
 * The page's own last chance, `pagehide`, can send the un-REGISTER, the un-SUBSCRIBEs and the
 * removal PUBLISH but cannot wait for their answers. Servers challenge them (RFC 3261 §22.2) once the
 * nonce of the last refresh has gone stale (Asterisk keeps a nonce 32 s, Kamailio 300 s, and a
 * registration is refreshed every few minutes), so the retry with fresh credentials never leaves: the
 * server keeps ringing a contact that is gone until the binding expires. Native softphones sign out
 * before they exit; so do we, for at most {@link SIGN_OUT_LIMIT_MS}, with the window already hidden so
 * that closing still feels instant.
 */
import type { PhoneCommand, PhoneStatus } from '../common/contract';

/** Long enough for a challenged un-REGISTER on any usable network; a dead server is not waited for. */
export const SIGN_OUT_LIMIT_MS = 3_000;

export interface PhoneSignOutOptions {
  send(command: PhoneCommand): void;
  /** What the renderer last reported. */
  status(): PhoneStatus;
  limitMs?: number;
}

export class PhoneSignOut {
  private waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: PhoneSignOutOptions) {}

  /** Whether the phone holds anything the server should hear about: a registration or a call. */
  needed(): boolean {
    const status = this.options.status();
    return (
      status.activeCalls > 0 ||
      status.ringing.length > 0 ||
      status.accounts.some((account) => account.state !== 'offline')
    );
  }

  /**
   * Asks the renderer to sign out; resolves when it says it is done, when the renderer goes, or after
   * the limit, whichever comes first. A second request while one runs waits for the same one.
   */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length > 1) return;
      this.timer = setTimeout(() => this.done(), this.options.limitMs ?? SIGN_OUT_LIMIT_MS);
      this.options.send({ kind: 'sign-out' });
    });
  }

  /** The renderer finished signing out (`phone.signedOut`), or it is gone and cannot. */
  done(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
