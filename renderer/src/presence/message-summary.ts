/**
 * RFC 3842 message summaries (`application/simple-message-summary`): what the voicemail indicator
 * shows. The body is text lines like a SIP header block:
 *
 *     Messages-Waiting: yes
 *     Message-Account: sip:alice@vmail.example.com
 *     Voice-Message: 2/8 (0/2)
 *
 * "new/old (urgent new/urgent old)" per message class; voice messages are what a phone counts.
 */
import { PresenceParseError } from './xml-document';

export interface MessageCounts {
  newMessages: number;
  oldMessages: number;
  urgentNew: number;
  urgentOld: number;
}

export interface MessageSummary {
  waiting: boolean;
  account?: string;
  /** Voice-Message counts; undefined when the server only said whether messages wait. */
  voice?: MessageCounts;
}

const COUNTS = /^(\d+)\s*\/\s*(\d+)(?:\s*\(\s*(\d+)\s*\/\s*(\d+)\s*\))?/;

/** Parses a message-summary body. Throws {@link PresenceParseError} without a Messages-Waiting line. */
export function parseMessageSummary(text: string): MessageSummary {
  let waiting: boolean | undefined;
  let account: string | undefined;
  let voice: MessageCounts | undefined;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'messages-waiting') waiting = value.toLowerCase() === 'yes';
    else if (name === 'message-account') account = value;
    else if (name === 'voice-message') {
      const match = COUNTS.exec(value);
      if (match) {
        voice = {
          newMessages: Number(match[1]),
          oldMessages: Number(match[2]),
          urgentNew: Number(match[3] ?? 0),
          urgentOld: Number(match[4] ?? 0),
        };
      }
    }
  }
  if (waiting === undefined) throw new PresenceParseError('message-summary without a Messages-Waiting line');
  return { waiting, ...(account ? { account } : {}), ...(voice ? { voice } : {}) };
}
