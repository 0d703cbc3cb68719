/**
 * Recognising requests to answer a call automatically (intercom, paging). There is no single
 * standard; desk phones honour the de-facto forms:
 * - `Call-Info: <uri>;answer-after=0` (Polycom, Yealink, Snom; draft-ietf-sip-answermode's ancestor),
 * - `Alert-Info: <http://...>;info=alert-autoanswer` or `Alert-Info: auto answer` / `Auto Answer`,
 * - `Answer-Mode: Auto` (RFC 5373).
 */
export interface HeaderSource {
  getHeaders(name: string): string[];
}

/** Seconds after which the caller asked us to answer, or undefined when it did not ask. */
export function requestedAutoAnswerDelay(request: HeaderSource): number | undefined {
  for (const value of request.getHeaders('Call-Info')) {
    const match = /answer-after\s*=\s*(\d+)/i.exec(value);
    if (match?.[1] !== undefined) return Math.min(Number(match[1]), 3600);
  }
  for (const value of request.getHeaders('Alert-Info')) {
    if (/auto[\s_-]?answer|alert-autoanswer|intercom/i.test(value)) return 0;
  }
  for (const value of request.getHeaders('Answer-Mode')) {
    if (/^\s*auto\b/i.test(value)) return 0;
  }
  return undefined;
}
