/**
 * Log call arguments made safe for main's log file: the rules live in `common/log-redaction.ts`,
 * shared with the renderer; this adds turning objects and errors into redacted text.
 */
import { inspect } from 'node:util';
import { redact, type KnownSecrets } from '../common/log-redaction';

/**
 * A log call's arguments made safe: strings redacted, errors and objects turned into redacted text
 * (an object could hold a password in any property, so it is never passed on as an object).
 */
export function redactLogData(data: readonly unknown[], secrets?: KnownSecrets): unknown[] {
  return data.map((item) => {
    if (typeof item === 'string') return redact(item, secrets);
    if (item === null || item === undefined || typeof item === 'number' || typeof item === 'boolean')
      return item;
    if (item instanceof Error) return redact(item.stack ?? `${item.name}: ${item.message}`, secrets);
    return redact(inspect(item, { depth: 6, breakLength: Infinity }), secrets);
  });
}
