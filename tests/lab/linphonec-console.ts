/**
 * What linphonec (Linphone's console phone) prints: its prompt after each command, and one line per
 * call state change or received DTMF digit (console/linphonec.c's `linphonec_out` calls). The lab
 * drives linphonec over its standard input and reads these from its standard output.
 */

/** The prompt linphonec prints when it is ready for the next command (readline echoes the command after it). */
export const LINPHONEC_PROMPT = 'linphonec> ';

/** A call event linphonec reported. */
export type LinphonecEventType =
  | 'incoming'
  | 'outgoing'
  | 'ringing'
  | 'connected'
  | 'streams-running'
  | 'paused'
  | 'paused-by-remote'
  | 'ended'
  | 'error'
  | 'dtmf';

export interface LinphonecEvent {
  type: LinphonecEventType;
  /** linphonec's own number for the call (1, 2, ...); absent for DTMF. */
  callId?: number;
  /** The other party as linphonec prints it, e.g. `"Legacy Desk" <sip:1010@127.0.0.1>`. */
  peer: string;
  /** The end reason ("No error", "Declined", ...) or the DTMF digit. */
  detail?: string;
  /** The whole line. */
  line: string;
}

/** Each event's line, as printed by linphonec 5.1 (console/linphonec.c). */
const EVENT_LINES: readonly [
  LinphonecEventType,
  RegExp,
  (match: RegExpMatchArray) => Partial<LinphonecEvent>,
][] = [
  [
    'incoming',
    /^Receiving new incoming call from (.*), assigned id (\d+)$/,
    (m) => ({ peer: m[1], callId: Number(m[2]) }),
  ],
  [
    'outgoing',
    /^Establishing call id to (.*), assigned id (\d+)$/,
    (m) => ({ peer: m[1], callId: Number(m[2]) }),
  ],
  ['ringing', /^Call (\d+) to (.*) ringing\.$/, (m) => ({ callId: Number(m[1]), peer: m[2] })],
  ['connected', /^Call (\d+) with (.*) connected\.$/, (m) => ({ callId: Number(m[1]), peer: m[2] })],
  [
    'streams-running',
    /^Media streams established with (.*) for call (\d+) \(\w+\)\.$/,
    (m) => ({ peer: m[1], callId: Number(m[2]) }),
  ],
  ['paused', /^Call (\d+) with (.*) is now paused\.$/, (m) => ({ callId: Number(m[1]), peer: m[2] })],
  [
    'paused-by-remote',
    /^Call (\d+) has been paused by (.*)\.$/,
    (m) => ({ callId: Number(m[1]), peer: m[2] }),
  ],
  [
    'ended',
    /^Call (\d+) with (.*) ended \((.*)\)\.$/,
    (m) => ({ callId: Number(m[1]), peer: m[2], detail: m[3] }),
  ],
  ['error', /^Call (\d+) with (.*) error\.$/, (m) => ({ callId: Number(m[1]), peer: m[2] })],
  ['dtmf', /^Receiving tone (.) from (.*)$/, (m) => ({ detail: m[1], peer: m[2] })],
];

/**
 * The events in linphonec's output so far, oldest first. An event printed while the prompt waits for
 * input follows the prompt on the same line, so prompts are stripped first.
 */
export function parseLinphonecEvents(output: string): LinphonecEvent[] {
  const events: LinphonecEvent[] = [];
  for (const raw of output.split('\n')) {
    let line = raw.trimEnd();
    while (line.startsWith(LINPHONEC_PROMPT)) line = line.slice(LINPHONEC_PROMPT.length);
    for (const [type, pattern, fields] of EVENT_LINES) {
      const match = line.match(pattern);
      if (match) {
        events.push({ type, peer: '', ...fields(match), line });
        break;
      }
    }
  }
  return events;
}

/** How many prompts linphonec printed: one at start-up and one after each command it finished. */
export function countPrompts(output: string): number {
  return output.split(LINPHONEC_PROMPT).length - 1;
}
