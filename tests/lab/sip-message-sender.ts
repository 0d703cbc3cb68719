/**
 * Sends one SIP MESSAGE over UDP through the lab's Kamailio, answering its digest challenge (407), and
 * reports the final response. For the cases no SIP phone here produces on request: content types
 * other than text/plain, empty and oversized bodies.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { LabUser } from './users.js';

export interface SipMessageOptions {
  /** Kamailio's UDP port on 127.0.0.1. */
  proxyPort: number;
  from: LabUser;
  /** Request-URI and To, e.g. `sip:1001@127.0.0.1`. */
  to: string;
  contentType: string;
  body: string;
  timeoutMs?: number;
}

export interface SipFinalResponse {
  status: number;
  reason: string;
  /** The response's header lines, as received. */
  headers: string[];
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const token = (): string => randomBytes(8).toString('hex');

function parseResponse(text: string): SipFinalResponse | undefined {
  const [head = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  const match = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(statusLine);
  return match ? { status: Number(match[1]), reason: match[2] ?? '', headers } : undefined;
}

function headerValue(response: SipFinalResponse, name: string): string | undefined {
  const prefix = `${name.toLowerCase()}:`;
  return response.headers
    .find((h) => h.toLowerCase().startsWith(prefix))
    ?.slice(prefix.length)
    .trim();
}

/** Sends the MESSAGE and resolves with the first final (>= 200) response that is not a challenge. */
export async function sendSipMessage(options: SipMessageOptions): Promise<SipFinalResponse> {
  const { proxyPort, from, to, contentType, body, timeoutMs = 10_000 } = options;
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const localPort = socket.address().port;
  const callId = `${token()}@127.0.0.1`;
  const fromTag = token();
  const request = (cseq: number, authorization?: string): string => {
    const bytes = Buffer.byteLength(body, 'utf8');
    return [
      `MESSAGE ${to} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK${token()};rport`,
      'Max-Forwards: 70',
      `From: <${from.aor}>;tag=${fromTag}`,
      `To: <${to}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} MESSAGE`,
      ...(authorization ? [`Proxy-Authorization: ${authorization}`] : []),
      `Content-Type: ${contentType}`,
      `Content-Length: ${bytes}`,
      '',
      body,
    ].join('\r\n');
  };
  const send = (text: string): void => socket.send(Buffer.from(text, 'utf8'), proxyPort, '127.0.0.1');

  try {
    return await new Promise<SipFinalResponse>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no final response to MESSAGE ${to}`)), timeoutMs);
      let challenged = false;
      socket.on('message', (data) => {
        const response = parseResponse(data.toString('utf8'));
        if (!response || response.status < 200) return;
        const challenge = headerValue(response, 'Proxy-Authenticate');
        if (response.status === 407 && challenge && !challenged) {
          challenged = true;
          const realm = /realm="([^"]*)"/.exec(challenge)?.[1] ?? '';
          const nonce = /nonce="([^"]*)"/.exec(challenge)?.[1] ?? '';
          const digest = md5(
            `${md5(`${from.user}:${realm}:${from.password}`)}:${nonce}:${md5(`MESSAGE:${to}`)}`,
          );
          send(
            request(
              2,
              `Digest username="${from.user}", realm="${realm}", nonce="${nonce}", uri="${to}", response="${digest}", algorithm=MD5`,
            ),
          );
          return;
        }
        clearTimeout(timer);
        resolve(response);
      });
      send(request(1));
    });
  } finally {
    socket.close();
  }
}
