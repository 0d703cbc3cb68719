/**
 * Raw SIP pushed at the app through a WebSocket proxy between it and Kamailio (`ws-proxy.ts`), and
 * the app's answers read back at the proxy: what a broken or unusual peer sends, and exactly what the
 * app replies, status line and headers.
 */
import { FUZZ_BRANCH_PREFIX, type FuzzTarget } from '../lab/sip-fuzz';
import type { Lab } from '../lab/lab';
import { startWsProxy, type WsProxy } from '../lab/ws-proxy';

export { FUZZ_BRANCH_PREFIX as INJECTED_BRANCH_PREFIX };

/** One response the app sent to an injected request. */
export interface InjectedReply {
  statusCode: number;
  reasonPhrase: string;
  cseqMethod: string | undefined;
  /** Header lines of the response as sent. */
  headers: string[];
}

/** The value of header `name` in a reply (first line of that name), or undefined. */
export function replyHeader(reply: InjectedReply, name: string): string | undefined {
  const prefix = `${name.toLowerCase()}:`;
  return reply.headers
    .find((line) => line.toLowerCase().startsWith(prefix))
    ?.slice(prefix.length)
    .trim();
}

/** The app's responses to injected requests, by Via branch, in the order it sent them. */
export function repliesByBranch(proxy: WsProxy): Map<string, InjectedReply[]> {
  const byBranch = new Map<string, InjectedReply[]>();
  for (const { text } of proxy.clientFrames()) {
    const [head = ''] = text.split('\r\n\r\n');
    const [statusLine = '', ...headers] = head.split('\r\n');
    const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(statusLine);
    const branch = new RegExp(`;branch=(${FUZZ_BRANCH_PREFIX}[^;,\\s]*)`).exec(text)?.[1];
    if (!status?.[1] || !branch) continue;
    const cseqMethod = /\r\nCSeq:\s*\d+\s+(\S+)/i.exec(text)?.[1];
    const reply = { statusCode: Number(status[1]), reasonPhrase: status[2] ?? '', cseqMethod, headers };
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), reply]);
  }
  return byBranch;
}

/** A WebSocket proxy between the app and Kamailio through which SIP can be injected towards the app. */
export function startInjectingProxy(lab: Lab): Promise<WsProxy> {
  return startWsProxy({
    upstreamUrl: lab.wssUrl,
    certPath: lab.certPath,
    keyPath: lab.keyPath,
    // Kamailio knows nothing of the injected transactions: keep the app's answers to them.
    keepFromServer: (text) => text.includes(FUZZ_BRANCH_PREFIX),
  });
}

/** Alice's app as injected requests address it, its Via host read from its REGISTER through `proxy`. */
export function injectionTarget(lab: Lab, proxy: WsProxy): FuzzTarget {
  const register = proxy.clientFrames().find((frame) => frame.text.startsWith('REGISTER '));
  return {
    user: lab.users.alice.user,
    domain: lab.domain,
    clientViaHost: /\r\nVia: SIP\/2\.0\/WSS ([^;\s]+)/i.exec(register?.text ?? '')?.[1] ?? '',
    sentBy: new URL(proxy.url).host,
  };
}
