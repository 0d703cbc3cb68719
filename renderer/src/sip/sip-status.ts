import type { EndReason } from './call-state';

/**
 * Maps the final response to an INVITE onto an {@link EndReason}.
 * RFC 3261 §21: 486/600 busy, 603 decline, 404/604 does not exist, 480 temporarily unavailable,
 * 408 request timeout (nobody answered), 487 request terminated (we cancelled).
 */
export function endReasonForInviteFailure(statusCode: number): EndReason {
  switch (statusCode) {
    case 486:
    case 600:
      return 'busy';
    case 603:
      return 'declined';
    case 404:
    case 604:
      return 'not-found';
    case 480:
    case 410:
      return 'unavailable';
    case 408:
      return 'no-answer';
    case 487:
      return 'cancelled';
    case 401:
    case 407:
    case 403:
      return 'auth-failed';
    case 488:
    case 606:
      return 'media-failed';
    default:
      return 'failed';
  }
}

/** Why registration failed, in words the status indicator can show. */
export type RegistrationErrorKind =
  | 'wrong-password'
  | 'forbidden'
  | 'not-found'
  | 'unreachable'
  | 'timeout'
  | 'server-error'
  | 'password-needed'
  | 'rejected'
  // Direct (UDP/TCP/TLS) accounts: why the gateway could not connect to the server.
  /** The server's name does not resolve (NAPTR, SRV, A/AAAA). */
  | 'server-not-found'
  /** Nothing answers at the server's address and port (refused, no route, no SIP answer). */
  | 'no-answer'
  | 'connect-timeout'
  /** TLS: the server's certificate was refused (the certificate notice says which and why). */
  | 'certificate'
  /** TLS: the server presents another certificate than the one the user trusted: refused. */
  | 'certificate-changed'
  /** The gateway itself is missing (a browser page not opened from `npm run web`, or the service stopped). */
  | 'gateway-unavailable'
  /** The server asked for is not one of the account's (it changed since this phone was set up). */
  | 'not-allowed'
  /** The WebSocket server's port is one browsers refuse (`net::ERR_UNSAFE_PORT`): never tried. */
  | 'unsafe-port';

export interface RegistrationError {
  kind: RegistrationErrorKind;
  statusCode?: number;
  detail?: string;
}

/**
 * A REGISTER rejected after SIP.js already answered the digest challenge means the credentials were
 * wrong: SIP.js hands us the second 401/407. Kamailio and Asterisk answer 403 for a wrong auth user.
 */
export function registrationErrorForStatus(statusCode: number, detail?: string): RegistrationError {
  const base = detail === undefined ? { statusCode } : { statusCode, detail };
  if (statusCode === 401 || statusCode === 407) return { kind: 'wrong-password', ...base };
  if (statusCode === 403) return { kind: 'forbidden', ...base };
  if (statusCode === 404) return { kind: 'not-found', ...base };
  if (statusCode === 408) return { kind: 'timeout', ...base };
  if (statusCode >= 500) return { kind: 'server-error', ...base };
  return { kind: 'rejected', ...base };
}
