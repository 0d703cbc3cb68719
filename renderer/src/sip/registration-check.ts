import { Registerer, UserAgent, type UserAgentOptions } from 'sip.js';
import type { DirectSipTransport, GatewayConnectError } from '@common/contract';
import { GatewayConnectFailure, GatewayTransport, type GatewayPort } from './gateway-transport';
import { registrationErrorForStatus, type RegistrationError } from './sip-status';
import { SipLog, type AppLogLevel } from './sip-log';

/** Where a check registers: a WebSocket server, or a direct server through the host's gateway. */
export type CheckServer =
  | { wssUrl: string }
  | {
      direct: {
        gateway: GatewayPort;
        transport: DirectSipTransport;
        /** `host[:port]`; without a port the gateway looks it up (RFC 3263). */
        server: string;
      };
    };

/** One account's credentials and one server to try them on. */
export type RegistrationCheckRequest = CheckServer & RegistrationCredentials;

/** The account's side of a check: everything but the server. */
export interface RegistrationCredentials {
  /** Address of record, e.g. `sip:1001@pbx.example.com`. */
  aor: string;
  /** Empty: the address's user part. */
  authUser: string;
  password: string;
  displayName?: string;
  /** Registrar domain when it differs from the address's domain. */
  realm?: string;
  /** Route set for an outbound proxy (RFC 3261 §8.1.2), e.g. `sip:proxy.example.com;lr`. */
  outboundProxy?: string;
  /** How long the WebSocket may take to open. */
  connectTimeoutMs?: number;
  /** How long the REGISTER may wait for its final answer (SIP.js alone would wait Timer F, 32 s). */
  answerTimeoutMs?: number;
  /** SIP.js's log, redacted, at the app's level (`debug` includes the SIP messages). */
  log?: { level: AppLogLevel; write: (level: AppLogLevel, message: string) => void };
}

/** Where a registration check stopped, or `ok`. */
export type RegistrationCheckOutcome =
  | { ok: true }
  /** The WebSocket did not open. A page is never told why (refused, no answer, certificate…). */
  | { ok: false; stage: 'connect'; detail: string }
  /** The gateway could not connect to the direct server, and says why. */
  | { ok: false; stage: 'gateway'; error: GatewayConnectError }
  /** The server answered the REGISTER with a failure (after SIP.js answered its challenge), or not in time. */
  | { ok: false; stage: 'register'; error: RegistrationError };

const DEFAULT_CONNECT_TIMEOUT_MS = 6_000;
const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;
/** Long enough for any registrar's Min-Expires to be met without a 423 round; it is withdrawn at once anyway. */
const CHECK_EXPIRES_SECONDS = 120;
/** The un-REGISTER is a courtesy: the check does not wait long for its answer. */
const UNREGISTER_WAIT_MS = 2_000;

/**
 * Registers once on one server (WebSocket, or UDP/TCP/TLS through the gateway) with a short-lived
 * user agent of its own, reports how that went, then withdraws the registration and closes the
 * connection. The account's real `Phone` registers afresh afterwards: this check never touches it.
 *
 * Used by the first-run assistant on each candidate server and by "Test connection".
 */
export async function checkRegistration(
  request: RegistrationCheckRequest,
  signal?: AbortSignal,
): Promise<RegistrationCheckOutcome> {
  const uri = UserAgent.makeURI(request.aor);
  if (!uri)
    return { ok: false, stage: 'register', error: { kind: 'rejected', detail: 'invalid SIP address' } };
  const log = request.log ? new SipLog(request.password, request.log.level, request.log.write) : undefined;
  const transport: Partial<UserAgentOptions> =
    'direct' in request
      ? {
          transportConstructor: GatewayTransport,
          transportOptions: {
            ...request.direct,
            // The gateway keys connections by account: the check's own, never the account's.
            accountId: `check-${crypto.randomUUID()}`,
          },
        }
      : {
          transportOptions: {
            server: request.wssUrl,
            connectionTimeout: (request.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) / 1000,
          },
        };
  const userAgent = new UserAgent({
    uri,
    displayName: request.displayName || undefined,
    authorizationUsername: request.authUser || uri.user,
    authorizationPassword: request.password,
    ...transport,
    preloadedRouteSet: request.outboundProxy ? [request.outboundProxy] : [],
    // SIP.js's own console log would print whole messages, Authorization headers included.
    logBuiltinEnabled: false,
    ...(log
      ? { logConnector: (level, category, _label, content) => log.write(level, category, content) }
      : {}),
  });
  const stop = (): void => void userAgent.stop().catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (signal?.aborted) return { ok: false, stage: 'connect', detail: 'cancelled' };
    try {
      await userAgent.start();
    } catch (error) {
      if (error instanceof GatewayConnectFailure) return { ok: false, stage: 'gateway', error: error.error };
      return { ok: false, stage: 'connect', detail: error instanceof Error ? error.message : String(error) };
    }
    const registrar = request.realm ? UserAgent.makeURI(`sip:${request.realm}`) : undefined;
    const registerer = new Registerer(userAgent, {
      expires: CHECK_EXPIRES_SECONDS,
      ...(registrar ? { registrar } : {}),
    });
    const outcome = await registerOnce(
      registerer,
      request.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS,
      signal,
    );
    if (outcome.ok) await withdraw(registerer);
    return outcome;
  } finally {
    signal?.removeEventListener('abort', stop);
    await userAgent.stop().catch(() => undefined);
  }
}

function registerOnce(
  registerer: Registerer,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<RegistrationCheckOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const cancelled = (): void => done({ ok: false, stage: 'connect', detail: 'cancelled' });
    const done = (outcome: RegistrationCheckOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancelled);
      resolve(outcome);
    };
    signal?.addEventListener('abort', cancelled, { once: true });
    const timer = setTimeout(
      () => done({ ok: false, stage: 'register', error: { kind: 'timeout' } }),
      timeoutMs,
    );
    registerer
      .register({
        requestDelegate: {
          onAccept: () => done({ ok: true }),
          onReject: (response) => {
            const { statusCode = 0, reasonPhrase } = response.message;
            done({
              ok: false,
              stage: 'register',
              error: registrationErrorForStatus(statusCode, reasonPhrase),
            });
          },
        },
      })
      .catch((error: unknown) =>
        done({
          ok: false,
          stage: 'connect',
          detail: error instanceof Error ? error.message : String(error),
        }),
      );
  });
}

/** Sends the un-REGISTER for this check's own Contact (never `*`: the account's other bindings stay). */
async function withdraw(registerer: Registerer): Promise<void> {
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(finish, UNREGISTER_WAIT_MS);
    registerer.unregister({ requestDelegate: { onAccept: finish, onReject: finish } }).catch(finish);
  });
}
