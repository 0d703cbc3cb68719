import type {
  ConnectionCandidate,
  DirectSipTransport,
  GatewayConnectError,
  RinglineApi,
  SipServiceLookup,
  SipServiceTarget,
  WebSocketProbeResult,
} from '@common/contract';
import { refusedWebSocketPort } from '@common/unsafe-ports';
import type { RegistrationCheckOutcome } from '../sip/registration-check';
import type { RegistrationError } from '../sip/sip-status';
import type { WebSocketAnswer } from '../sip/websocket-answer';

/**
 * Where a connection attempt stopped, in terms a person can act on.
 * - `dns`: the name does not exist; `connect`: nothing answers on that port (refused, dropped);
 * - `tls`: the certificate is not trusted (`sha256` when the gateway saw it);
 * - `upgrade`: a web server answered but refused the WebSocket upgrade (its HTTP status);
 * - `websocket`: the page's WebSocket failed, and a page is never told why;
 * - `unsafe-port`: a port browsers refuse outright (`net::ERR_UNSAFE_PORT`), never tried;
 * - `register`: the server answered the REGISTER with a failure (401/403/404/5xx…) or not in time;
 * - `needs-gateway`: only SIP over UDP/TCP/TLS was left to try, and nothing here carries it;
 * - `direct-untested`: the same, where a gateway exists but connects only to saved accounts' servers
 *   (Electron main), so a check cannot go through it.
 */
export type ConnectionProblem =
  | { stage: 'dns'; detail: string }
  | { stage: 'connect'; detail: string }
  | { stage: 'tls'; detail: string; sha256?: string }
  | { stage: 'upgrade'; detail: string; httpStatus?: number }
  | { stage: 'websocket'; detail: string }
  | { stage: 'unsafe-port'; port: number }
  | { stage: 'register'; error: RegistrationError }
  /** Only UDP/TCP/TLS would do, and no gateway carries them here. */
  | { stage: 'needs-gateway' }
  | { stage: 'direct-untested' };

/**
 * One candidate's progress: `waiting` for its turn, `connecting` (its transport is being tried),
 * `answered` (it can be reached; registering comes in order), `registering`, then `registered` or
 * `failed`; `skipped` when an earlier one decided the outcome (it registered, or the server refused
 * the credentials, which another address of the same server would refuse too).
 */
export type CandidateStatus =
  'waiting' | 'connecting' | 'answered' | 'registering' | 'registered' | 'failed' | 'skipped';

export interface CandidateStep {
  candidate: ConnectionCandidate;
  status: CandidateStatus;
  problem?: ConnectionProblem;
}

/**
 * The domain's RFC 3263 lookup: `not-needed` for an IP address, `unavailable` where no lookup can
 * be made (a page without the gateway: browsers have no DNS API).
 */
export interface LookupStep {
  domain: string;
  status: 'running' | 'found' | 'not-found' | 'not-needed' | 'unavailable';
  targets: SipServiceTarget[];
  detail?: string;
}

export interface ConnectionTestProgress {
  lookup?: LookupStep;
  candidates: CandidateStep[];
}

export type ConnectionTestResult =
  /** `others`: candidates that answered too, kept as suggestions. */
  | { ok: true; winner: ConnectionCandidate; others: ConnectionCandidate[] }
  /** `problem`: the one that decides what the user should do; `at`: where it happened. */
  | { ok: false; problem: ConnectionProblem; at?: ConnectionCandidate }
  | { ok: false; cancelled: true };

/** What the test needs from the machine; injected so the logic is tested with its collaborators pinned. */
export interface ConnectionTestDeps {
  gateway: Pick<RinglineApi['gateway'], 'availability' | 'lookup' | 'probe'>;
  /** A page's own try of a WebSocket (`webSocketAnswers`), where the gateway cannot probe. */
  webSocketAnswers(url: string, timeoutMs: number, signal: AbortSignal): Promise<WebSocketAnswer>;
  /** One REGISTER over a WebSocket server (`checkRegistration`). */
  registerWebSocket(url: string, signal: AbortSignal): Promise<RegistrationCheckOutcome>;
  /**
   * One REGISTER over UDP/TCP/TLS through the gateway. Absent: direct candidates are not tried (a
   * gateway that connects only to saved accounts' servers cannot carry a check).
   */
  registerDirect?(
    transport: DirectSipTransport,
    server: string,
    signal: AbortSignal,
  ): Promise<RegistrationCheckOutcome>;
}

export interface ConnectionTestPlan {
  /** Look this domain's SIP servers up first (the assistant); absent for a configured server. */
  lookupDomain?: string;
  /** The candidates to try, given the lookup (when one was made) and whether direct SIP is possible. */
  candidates(lookup: SipServiceLookup | undefined, direct: boolean): ConnectionCandidate[];
}

const WEBSOCKET_TIMEOUT_MS = 6_000;
const IP_ADDRESS = /^(\d{1,3}\.){3}\d{1,3}$|:/;

/** Registration failures that every address of the same server would repeat: stop at the first. */
function credentialsRefused(error: RegistrationError): boolean {
  return error.kind === 'wrong-password' || error.kind === 'forbidden' || error.kind === 'not-found';
}

function probeProblem(result: Exclude<WebSocketProbeResult, { stage: 'ok' }>): ConnectionProblem {
  switch (result.stage) {
    case 'dns':
      return { stage: 'dns', detail: result.detail };
    case 'connect':
      return { stage: 'connect', detail: result.detail };
    case 'tls':
      return { stage: 'tls', detail: result.detail, ...(result.sha256 ? { sha256: result.sha256 } : {}) };
    case 'upgrade':
      return {
        stage: 'upgrade',
        detail: result.detail,
        ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
      };
  }
}

/** Where the gateway's connection to a direct server stopped, as the steps say it. */
function gatewayProblem(error: GatewayConnectError): ConnectionProblem {
  switch (error.kind) {
    case 'dns':
      return { stage: 'dns', detail: error.detail };
    case 'unreachable':
    case 'timeout':
      return { stage: 'connect', detail: error.detail };
    case 'certificate':
      return { stage: 'tls', detail: error.problem.error, sha256: error.problem.sha256 };
    case 'not-allowed':
    case 'no-gateway':
      return { stage: 'needs-gateway' };
  }
}

/**
 * Which failure tells the user most about what to do, when every candidate failed: the server's own
 * answer to the REGISTER first, then a certificate, a refused upgrade, a name that does not exist,
 * and last the plain silence of ports.
 */
const PROBLEM_WEIGHT: Record<ConnectionProblem['stage'], number> = {
  register: 6,
  tls: 5,
  upgrade: 4,
  dns: 3,
  connect: 2,
  websocket: 1,
  'unsafe-port': 0,
  'needs-gateway': 0,
  'direct-untested': 0,
};

/**
 * Finds out whether, and how, an account can register: looks the domain up (when asked and the
 * gateway can), checks every WebSocket candidate at once (the gateway's probe says where it stopped;
 * a page can only see whether it opened), then registers on the ones that answered, in order, until
 * one registers. Direct UDP/TCP/TLS candidates are registered through the gateway in their turn.
 *
 * `report` gets a fresh snapshot after every change, for a live list of the steps.
 */
export async function runConnectionTest(
  plan: ConnectionTestPlan,
  deps: ConnectionTestDeps,
  report: (progress: ConnectionTestProgress) => void,
  signal: AbortSignal,
): Promise<ConnectionTestResult> {
  const progress: ConnectionTestProgress = { candidates: [] };
  const publish = (): void =>
    report({
      ...(progress.lookup ? { lookup: { ...progress.lookup } } : {}),
      candidates: progress.candidates.map((step) => ({ ...step })),
    });

  const availability = await deps.gateway.availability().catch(() => ({ available: false }) as const);
  const gateway = availability.available;

  let lookup: SipServiceLookup | undefined;
  if (plan.lookupDomain !== undefined) {
    const domain = plan.lookupDomain;
    if (IP_ADDRESS.test(domain)) {
      progress.lookup = { domain, status: 'not-needed', targets: [] };
    } else if (!gateway) {
      progress.lookup = { domain, status: 'unavailable', targets: [] };
    } else {
      progress.lookup = { domain, status: 'running', targets: [] };
      publish();
      lookup = await deps.gateway
        .lookup(domain)
        .catch((error: unknown) => ({ domain, targets: [], error: String(error) }));
      if (signal.aborted) return { ok: false, cancelled: true };
      if (lookup.targets.length === 0) {
        const detail = lookup.error ?? 'no such name';
        progress.lookup = { domain, status: 'not-found', targets: [], detail };
        publish();
        return { ok: false, problem: { stage: 'dns', detail } };
      }
      progress.lookup = { domain, status: 'found', targets: lookup.targets };
    }
  }

  const registerDirect = gateway ? deps.registerDirect : undefined;
  const planned = plan.candidates(lookup, registerDirect !== undefined);
  progress.candidates = planned
    .filter((candidate) => candidate.transport === 'wss' || registerDirect !== undefined)
    .map((candidate) => ({ candidate, status: 'waiting' }));
  publish();
  if (progress.candidates.length === 0)
    return {
      ok: false,
      problem:
        planned.length === 0
          ? { stage: 'connect', detail: 'no server to try' }
          : gateway
            ? { stage: 'direct-untested' }
            : { stage: 'needs-gateway' },
    };

  const fail = (step: CandidateStep, problem: ConnectionProblem): void => {
    step.status = 'failed';
    step.problem = problem;
  };

  // Every WebSocket candidate at once: a dropped port costs its timeout once, not once per candidate.
  await Promise.all(
    progress.candidates.map(async (step) => {
      if (step.candidate.transport !== 'wss') return;
      const url = step.candidate.url;
      const port = refusedWebSocketPort(url);
      if (port !== null) {
        fail(step, { stage: 'unsafe-port', port });
        publish();
        return;
      }
      step.status = 'connecting';
      publish();
      if (gateway) {
        const probe = await deps.gateway
          .probe({ url })
          .catch((error: unknown): WebSocketProbeResult => ({ stage: 'connect', detail: String(error) }));
        if (probe.stage === 'ok') step.status = 'answered';
        else fail(step, probeProblem(probe));
      } else {
        const answer = await deps.webSocketAnswers(url, WEBSOCKET_TIMEOUT_MS, signal);
        if (answer.ok) step.status = 'answered';
        else fail(step, { stage: 'websocket', detail: answer.detail });
      }
      publish();
    }),
  );
  if (signal.aborted) return { ok: false, cancelled: true };

  for (const [index, step] of progress.candidates.entries()) {
    if (step.status === 'failed') continue;
    step.status = 'registering';
    publish();
    const { candidate } = step;
    const outcome =
      candidate.transport === 'wss'
        ? await deps.registerWebSocket(candidate.url, signal)
        : registerDirect
          ? await registerDirect(candidate.transport, candidate.server, signal)
          : ({ ok: false, stage: 'connect', detail: 'no gateway' } as const);
    if (signal.aborted) return { ok: false, cancelled: true };
    if (outcome.ok) {
      step.status = 'registered';
      const later = progress.candidates.slice(index + 1);
      for (const other of later) if (other.status === 'waiting') other.status = 'skipped';
      publish();
      return {
        ok: true,
        winner: candidate,
        others: later.filter((other) => other.status === 'answered').map((other) => other.candidate),
      };
    }
    if (outcome.stage === 'connect') {
      fail(
        step,
        candidate.transport === 'wss'
          ? { stage: 'websocket', detail: outcome.detail }
          : {
              stage: 'connect',
              detail: outcome.detail,
            },
      );
      publish();
      continue;
    }
    if (outcome.stage === 'gateway') {
      fail(step, gatewayProblem(outcome.error));
      publish();
      continue;
    }
    const problem: ConnectionProblem = { stage: 'register', error: outcome.error };
    fail(step, problem);
    if (credentialsRefused(outcome.error)) {
      for (const other of progress.candidates.slice(index + 1))
        if (other.status !== 'failed') other.status = 'skipped';
      publish();
      return { ok: false, problem, at: candidate };
    }
    publish();
  }

  let decisive: { problem: ConnectionProblem; at: ConnectionCandidate } | undefined;
  for (const { problem, candidate } of progress.candidates) {
    if (problem && (!decisive || PROBLEM_WEIGHT[problem.stage] > PROBLEM_WEIGHT[decisive.problem.stage]))
      decisive = { problem, at: candidate };
  }
  return decisive
    ? { ok: false, ...decisive }
    : { ok: false, problem: { stage: 'connect', detail: 'no server answered' } };
}
