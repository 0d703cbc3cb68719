import type { LogLevel as SipJsLogLevel } from 'sip.js';
import { KnownSecrets, redact } from '@common/log-redaction';

/** The app's log levels (the same as the host log's). */
export type AppLogLevel = 'error' | 'warn' | 'info' | 'debug';

const SEVERITY: Record<AppLogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * SIP.js prints every SIP message it sends or receives at its `log` level (transport `traceSip`):
 * that, and its `debug`, are our `debug`, so the SIP traffic is logged only at debug.
 */
function appLevelOf(level: SipJsLogLevel): AppLogLevel {
  return level === 'log' ? 'debug' : level;
}

/**
 * SIP.js's log for one account, filtered by the chosen level and made safe before anyone sees it:
 * Authorization and Proxy-Authorization values, digest responses and the account's password are
 * redacted here in the renderer, so neither the browser console nor the desktop host receives them.
 *
 * The filtering is ours: SIP.js hands every line to its `logConnector` whatever its own level.
 */
export class SipLog {
  private readonly secrets = new KnownSecrets();

  constructor(
    password: string,
    private level: AppLogLevel,
    private readonly sink: (level: AppLogLevel, message: string) => void,
  ) {
    this.secrets.add(password);
  }

  setLevel(level: AppLogLevel): void {
    this.level = level;
  }

  /** SIP.js's `logConnector`. */
  write(level: SipJsLogLevel, category: string, content: string): void {
    this.note(appLevelOf(level), `${category}: ${content}`);
  }

  /** `text` with this account's credentials removed, exactly as a log line would be (any level). */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** Our own messages about the account's SIP traffic, through the same filter and redaction. */
  note(level: AppLogLevel, message: string): void {
    if (SEVERITY[level] > SEVERITY[this.level]) return;
    this.sink(level, this.redact(message));
  }
}
