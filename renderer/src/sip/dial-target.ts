import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DialContext } from './dial-context';

/** What the user typed or clicked, resolved to the SIP URI we will INVITE. */
export type DialTarget = { ok: true; uri: string; display: string } | { ok: false; error: DialTargetError };

export type DialTargetError = 'empty' | 'too-long' | 'bad-characters' | 'unsupported-scheme' | 'invalid';

const MAX_INPUT = 256;
// Visual separators people paste with phone numbers (RFC 3966 §5.1.1 allows - . ( ) in tel: URIs).
const VISUAL_SEPARATORS = /[\s\-.()\u00a0]/g;
const DIALABLE = /^\+?[0-9*#]+$/;
const USER_PART = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;
const HOST_PART = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/**
 * Turns a dial-field entry or a link into a SIP URI.
 *
 * Accepts bare numbers (with separators), `user@host`, names (`alice`), `sip:`/`sips:` URIs and `tel:`
 * URIs. Refuses URI headers (`?subject=…` could add or change request headers), parameters we do not
 * understand on the user part, other schemes and control characters: a clicked link must never do
 * more than dial.
 */
export function resolveDialTarget(input: string, context: DialContext): DialTarget {
  const trimmed = input.trim();
  if (trimmed === '') return fail('empty');
  if (trimmed.length > MAX_INPUT) return fail('too-long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return fail('bad-characters');

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return fromSipUri(trimmed, scheme);
  if (scheme === 'tel') return fromNumber(decodeSafely(trimmed.slice(4)).split(';')[0] ?? '', context);
  if (scheme !== undefined && !/^\+?[0-9]/.test(trimmed)) return fail('unsupported-scheme');

  if (trimmed.includes('@')) return fromSipUri(`sip:${trimmed}`, 'sip');
  const compact = trimmed.replace(VISUAL_SEPARATORS, '');
  if (DIALABLE.test(compact)) return fromNumber(compact, context);
  if (USER_PART.test(trimmed) && !/[;?]/.test(trimmed)) {
    return { ok: true, uri: `sip:${trimmed}@${context.domain}`, display: trimmed };
  }
  return fail('invalid');
}

function fromSipUri(text: string, scheme: 'sip' | 'sips'): DialTarget {
  const rest = text.slice(scheme.length + 1);
  if (rest.includes('?')) return fail('invalid');
  const [userHost = '', ...params] = rest.split(';');
  const at = userHost.lastIndexOf('@');
  if (at <= 0) return fail('invalid');
  const user = userHost.slice(0, at);
  const host = userHost.slice(at + 1);
  if (!USER_PART.test(user) || !HOST_PART.test(host)) return fail('invalid');
  const allowedParams = params.filter((p) => /^(user=phone|transport=(ws|wss|udp|tcp|tls))$/i.test(p));
  if (allowedParams.length !== params.length) return fail('invalid');
  const uri = [`${scheme}:${user}@${host}`, ...allowedParams].join(';');
  return { ok: true, uri, display: `${decodeSafely(user)}@${host}` };
}

function fromNumber(raw: string, context: DialContext): DialTarget {
  const compact = raw.replace(VISUAL_SEPARATORS, '');
  if (!DIALABLE.test(compact)) return fail('invalid');
  // Short extensions and feature codes (*72, 1002) are dialled as typed; only full numbers are normalised.
  const country = context.defaultCountry;
  const parsed =
    compact.length > 6
      ? parsePhoneNumberFromString(compact, country && isSupportedCountry(country) ? country : undefined)
      : undefined;
  const number = parsed?.isValid() ? parsed.number : compact;
  return {
    ok: true,
    uri: `sip:${encodeURIComponent(number).replace(/%2B/g, '+')}@${context.domain}`,
    display: number,
  };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function fail(error: DialTargetError): DialTarget {
  return { ok: false, error };
}
