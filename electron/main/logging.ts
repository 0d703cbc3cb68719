/**
 * The app log: `electron-log` writing `<logs>/main.log`, rotated at {@link LOG_MAX_BYTES} (the
 * previous file is kept as `main.old.log`), with every message redacted (`log-redaction.ts`) before
 * any transport sees it. Main logs under its own scopes; the renderer's `log.write` lands here with
 * the scope `renderer:<scope>`.
 *
 * Uses `electron-log/node`, not `electron-log/main`: the latter registers its own IPC channel
 * (`__ELECTRON_LOG__`) at import time, which would bypass our sender and argument checks. The Node
 * flavour has no IPC and no Electron import, so this module is tested against a real temp directory.
 */
import log from 'electron-log/node';
import type { LogEntry } from '../common/contract';
import type { KnownSecrets } from '../common/log-redaction';
import { redactLogData } from './log-redaction';

export const LOG_MAX_BYTES = 5 * 1024 * 1024;

export type LogLevel = LogEntry['level'];

export interface ScopedLog {
  error(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
}

export interface AppLogOptions {
  /** Absolute path of the log file, e.g. `app.getPath('logs')/main.log`; a function is asked at the first write. */
  file: string | (() => string);
  secrets: KnownSecrets;
  maxBytes?: number;
  /** Lowest level written to the file. */
  fileLevel?: LogLevel;
  /** Lowest level echoed to stdout, or false for none. */
  consoleLevel?: LogLevel | false;
  /** electron-log instance id; tests use one per logger. */
  logId?: string;
}

/** Scope names are shown in every line: keep them short and plain. */
export function cleanScope(scope: string): string {
  const cleaned = scope.replace(/[^A-Za-z0-9._:/-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'unknown' : cleaned;
}

/**
 * A renderer message made unable to forge log lines: control characters go, and every line after the
 * first is indented, so nothing the page sends can look like a new entry of another scope.
 */
export function cleanRendererMessage(message: string): string {
  return (
    message
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .split('\n')
      .join('\n    ')
  );
}

export class AppLog {
  readonly #logger: ReturnType<typeof log.create>;

  constructor(options: AppLogOptions) {
    const logger = log.create({ logId: options.logId ?? 'ringline' });
    const { file } = options;
    logger.transports.file.resolvePathFn = typeof file === 'string' ? () => file : file;
    logger.transports.file.maxSize = options.maxBytes ?? LOG_MAX_BYTES;
    logger.transports.file.level = options.fileLevel ?? 'info';
    logger.transports.console.level = options.consoleLevel ?? 'warn';
    // Nothing leaves this process: no IPC echo to renderers (present only under Electron), no HTTP.
    for (const name of ['ipc', 'remote']) {
      const transport = logger.transports[name];
      if (transport) transport.level = false;
    }
    logger.hooks.push((message) => ({ ...message, data: redactLogData(message.data, options.secrets) }));
    this.#logger = logger;
  }

  /** A logger for one part of main, e.g. `scope('tray')`. */
  scope(name: string): ScopedLog {
    const scoped = this.#logger.scope(cleanScope(name));
    return {
      error: (...data) => scoped.error(...data),
      warn: (...data) => scoped.warn(...data),
      info: (...data) => scoped.info(...data),
      debug: (...data) => scoped.debug(...data),
    };
  }

  /**
   * Follows the user's log level setting: at `debug` the file also takes debug lines (the renderer's
   * SIP traffic, redacted); otherwise it keeps its usual `info`.
   */
  setFileLevel(setting: LogLevel): void {
    this.#logger.transports.file.level = setting === 'debug' ? 'debug' : 'info';
  }

  /** The renderer's `log.write`, already validated by `ipc.ts`. */
  write(entry: LogEntry): void {
    this.#logger
      .scope(`renderer:${cleanScope(entry.scope)}`)
      [entry.level](cleanRendererMessage(entry.message));
  }

  /** Where the file transport writes. */
  get path(): string {
    return this.#logger.transports.file.getFile().path;
  }
}
