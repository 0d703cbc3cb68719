/**
 * The SIP messages a Linphone instance sent and received, read back from liblinphone's log (belle-sip
 * prints every message in full at log level 6), so a test can show exactly what Linphone put on the
 * wire: its 180's headers, its SDP.
 */

/** One SIP message as belle-sip logged it. */
export interface LoggedSipMessage {
  direction: 'sent' | 'received';
  /** The other end of the hop, e.g. "UDP://127.0.0.1:5060". */
  remote: string;
  /** "INVITE sip:1001@127.0.0.1 SIP/2.0" or "SIP/2.0 180 Ringing". */
  startLine: string;
  /** Header fields in order, names as written. */
  headers: readonly { name: string; value: string }[];
  body: string;
}

/** belle-sip's line before each message, e.g. `channel [0x..]: message sent to [UDP://127.0.0.1:5060], size: [496] bytes`. */
const SENT = /belle-sip-message-channel \[[^\]]*\]: message sent to \[([^\]]+)\], size: \[\d+\] bytes$/;
const RECEIVED = /belle-sip-message-channel \[[^\]]*\]: received \[\d+\] new bytes from \[([^\]]+)\]:$/;
/** Every log entry starts with a timestamp, e.g. "2026-12-07 10:50:27:475 ". */
const LOG_ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3} /;

/** The messages in `log` (liblinphone's log file), oldest first. */
export function parseLoggedSipMessages(log: string): LoggedSipMessage[] {
  const lines = log.split('\n');
  const messages: LoggedSipMessage[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const sent = SENT.exec(line);
    const received = sent ? null : RECEIVED.exec(line);
    const remote = sent?.[1] ?? received?.[1];
    if (remote === undefined) continue;
    const text: string[] = [];
    while (index + 1 < lines.length && !LOG_ENTRY.test(lines[index + 1] ?? '')) {
      index += 1;
      text.push((lines[index] ?? '').replace(/\r$/, ''));
    }
    const message = parseMessage(text, sent ? 'sent' : 'received', remote);
    if (message) messages.push(message);
  }
  return messages;
}

function parseMessage(
  text: readonly string[],
  direction: LoggedSipMessage['direction'],
  remote: string,
): LoggedSipMessage | undefined {
  const [startLine, ...rest] = text;
  if (!startLine || !/SIP\/2\.0/.test(startLine)) return undefined;
  const blank = rest.indexOf('');
  const headerLines = blank === -1 ? rest : rest.slice(0, blank);
  const headers = headerLines.flatMap((header) => {
    const colon = header.indexOf(':');
    return colon > 0 ? [{ name: header.slice(0, colon).trim(), value: header.slice(colon + 1).trim() }] : [];
  });
  // belle-sip logs the message, then an empty line: the body is what lies between.
  const body =
    blank === -1
      ? ''
      : rest
          .slice(blank + 1)
          .join('\n')
          .trim();
  return { direction, remote, startLine, headers, body: body === '' ? '' : `${body}\n` };
}

/** The value of the first header `name` (case-insensitive), or undefined. */
export function headerOf(message: LoggedSipMessage, name: string): string | undefined {
  return message.headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
}
