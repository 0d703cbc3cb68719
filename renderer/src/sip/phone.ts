import {
  Inviter,
  Registerer,
  RegistererState,
  SIPExtension,
  SessionState,
  UserAgent,
  UserAgentState,
  type Invitation,
  type Referral,
} from 'sip.js';
import { AUDIO_ONLY, Call, type CallEvents } from './call';
import { domainOfSipUri, type DialContext } from './dial-context';
import type { CallSnapshot, DtmfMode } from './call-state';
import { registrationErrorForStatus, type RegistrationError } from './sip-status';
import { refusedWebSocketPort } from '@common/unsafe-ports';
import { guardInbound } from './inbound-guard';
import { TransactionBranches } from './transaction-branches';
import { decideBeforeRinging, ring } from './incoming-decision';
import {
  DEFAULT_SESSION_EXPIRES,
  MIN_SESSION_EXPIRES,
  minSEHeader,
  sessionExpiresHeader,
} from './session-timer';
import { retryInvitesAfter422 } from './session-timer-invite-client';
import { SipLog, type AppLogLevel } from './sip-log';
import { captureTransport, type CapturedSipMessage } from './sip-capture';
import {
  receiveTextMessage,
  sendTextMessage,
  type IncomingTextMessage,
  type MessageSendOutcome,
} from './text-messages';
import { PresenceAgent, type PresenceEvent } from '../presence/presence-agent';
import { FailoverTransport } from './failover-transport';
import {
  GatewayConnectFailure,
  GatewayTransport,
  registrationErrorForGateway,
  type GatewayPort,
} from './gateway-transport';
import { ReconnectPolicy } from './reconnect-policy';
import { ConnectFailure, Reconnector, type ConnectionStatus, type RegisterOutcome } from './reconnector';
import type { DirectSipTransport } from '@common/contract';
import { registrationIsRetryable } from './registration-retry';
import type { CodecPreferences } from './codec-preferences';
import {
  RinglineSessionDescriptionHandlerFactory,
  type MediaNegotiation,
  type RinglineSessionDescriptionHandler,
} from './session-description-handler';
import { prepareAnswer } from './answer-prework';
import { sdpOffer } from './offer-check';

/** Everything a Phone needs to register one account. The password arrives from the host, never stored here. */
export interface PhoneConfig {
  accountId: string;
  /** Address of record, e.g. `sip:1001@pbx.example.com`. */
  aor: string;
  displayName: string;
  authUser: string;
  password: string;
  wssUrl: string;
  /** Servers tried in order when `wssUrl` cannot be reached (failover). */
  fallbackWssUrls?: string[];
  /**
   * SIP over UDP, TCP or TLS through the host's gateway instead of WSS: its `servers`
   * (`host[:port]`, the account's primary then its backups) replace `wssUrl` and its fallbacks.
   */
  direct?: { gateway: GatewayPort; transport: DirectSipTransport; servers: string[] };
  /** Registrar domain when it differs from the address of record's domain. */
  realm?: string;
  /** Route set for an outbound proxy (RFC 3261 §8.1.2), e.g. `sip:proxy.example.com;lr`. */
  outboundProxy?: string;
  iceServers: RTCIceServer[];
  /** `relay` sends media only through TURN. Default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Codec order for this account's calls; the browser's order when absent. */
  codecs?: CodecPreferences;
  /** The user's devices and capture processing (see {@link MediaNegotiation.captureConstraints}). */
  captureConstraints?: MediaNegotiation['captureConstraints'];
  /** ISO country for reading national numbers, e.g. `US`. */
  defaultCountry?: string;
  /** How DTMF is sent on this account's calls; RFC 4733 unless the PBX needs SIP INFO. */
  dtmfMode?: DtmfMode;
}

/** `reconnecting`: not registered, and a new attempt is scheduled at `nextAttemptAt`. */
export type RegistrationState =
  'offline' | 'connecting' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export interface RegistrationSnapshot {
  accountId: string;
  state: RegistrationState;
  error?: RegistrationError;
  since: number;
  /** While reconnecting: when the next attempt starts (ms since the epoch). */
  nextAttemptAt?: number;
  /** The server in use, or tried next (a WSS URL, or `host[:port]` for a direct account). */
  server?: string;
  /** 0 for the account's primary server, 1 for its first fallback, ... */
  serverIndex?: number;
}

/** The narrow interface through which the SIP engine reports to the UI layer (stores). */
export interface PhoneDelegate {
  onRegistration(snapshot: RegistrationSnapshot): void;
  onCall(snapshot: CallSnapshot): void;
  /**
   * The far end of `referrerId` asked us to call someone (REFER). The new call is already placed;
   * the engine uses this to hold the referring call, as a desk phone does.
   */
  onTransferredCall?(referrerId: string, newCallId: string): void;
  /** SIP.js's log at the chosen level (SIP traffic at debug), already redacted (`sip-log.ts`). */
  onLog?(level: AppLogLevel, message: string): void;
  /** Every SIP message sent or received, at any log level, redacted like the log (`sip-capture.ts`). */
  onSipMessage?(message: CapturedSipMessage): void;
  /**
   * A text message (SIP MESSAGE, `text/plain`) arrived. The sender is answered 200 once the returned
   * promise resolves, 500 if it rejects; without this handler every text is accepted and dropped.
   */
  onMessage?(message: IncomingTextMessage): Promise<void> | void;
  /** BLF lines, presence and the mailbox changed (see {@link PresenceAgent}). */
  onPresence?(event: PresenceEvent): void;
}

const REGISTER_EXPIRES_SECONDS = 300;
/** How long a call prepared while the user enters a number waits to be placed (see `prepareDial`). */
const PREPARED_DIAL_MS = 60_000;
// SIP.js answers every REGISTER within Timer F (64 × T1 = 32 s) with a real or an internal 408; this
// only guards against an answer it drops without telling anyone.
const REGISTER_ANSWER_TIMEOUT_MS = 40_000;

/**
 * What our INVITEs ask for: session timers (RFC 4028 §7.1) with the recommended interval, so a call
 * whose far end vanished without a BYE ends, here and at every proxy on the path.
 */
const INVITE_HEADERS = [sessionExpiresHeader(DEFAULT_SESSION_EXPIRES), minSEHeader(MIN_SESSION_EXPIRES)];

/**
 * One SIP account: its WebSocket transport, its registration and its calls.
 * Owns every SIP.js object for the account; the UI only sees snapshots through {@link PhoneDelegate}.
 */
export class Phone {
  private readonly userAgent: UserAgent;
  private readonly registerer: Registerer;
  private readonly reconnector: Reconnector;
  private readonly calls = new Map<string, Call>();
  private registration: RegistrationSnapshot;
  private stopped = false;
  private defaultDtmfMode: DtmfMode | undefined;
  private readonly log: SipLog;
  private readonly handlers: RinglineSessionDescriptionHandlerFactory;
  private preparedDial:
    { handler: RinglineSessionDescriptionHandler; expiry: ReturnType<typeof setTimeout> } | undefined;
  /** BLF, presence and message waiting for this account. */
  readonly presence: PresenceAgent;

  constructor(
    private readonly config: PhoneConfig,
    private readonly delegate: PhoneDelegate,
    logLevel: AppLogLevel = 'warn',
  ) {
    const uri = UserAgent.makeURI(config.aor);
    if (!uri) throw new Error(`invalid SIP address: ${config.aor}`);
    this.registration = { accountId: config.accountId, state: 'offline', since: Date.now() };
    this.log = new SipLog(config.password, logLevel, (level, message) =>
      this.delegate.onLog?.(level, message),
    );
    // Codec order, an ICE wait that ends when the useful candidates are in, the user's devices,
    // capture beside negotiation.
    this.handlers = new RinglineSessionDescriptionHandlerFactory({
      iceServers: config.iceServers,
      iceTransportPolicy: config.iceTransportPolicy ?? 'all',
      codecs: config.codecs ?? { audio: [], video: [] },
      captureConstraints: config.captureConstraints ?? ((requested) => requested),
    });
    const direct = config.direct;
    // A WebSocket backup on a port Chromium refuses could only ever fail; the account form refuses those.
    const servers = direct
      ? direct.servers
      : [
          config.wssUrl,
          ...(config.fallbackWssUrls ?? []).filter((url) => refusedWebSocketPort(url) === null),
        ];
    this.userAgent = new UserAgent({
      uri,
      displayName: config.displayName || undefined,
      authorizationUsername: config.authUser || uri.user,
      authorizationPassword: config.password,
      // One guard below wraps whichever transport this is: SIP from the network is checked the same way.
      ...(direct
        ? {
            transportConstructor: GatewayTransport,
            transportOptions: {
              gateway: direct.gateway,
              accountId: config.accountId,
              transport: direct.transport,
              server: servers[0] ?? '',
            },
          }
        : { transportConstructor: FailoverTransport, transportOptions: { server: config.wssUrl } }),
      preloadedRouteSet: config.outboundProxy ? [config.outboundProxy] : [],
      sessionDescriptionHandlerFactory: this.handlers.create,
      // Accept INVITEs with Replaces (RFC 3891) so an attended transfer can complete towards us.
      sipExtensionReplaces: SIPExtension.Supported,
      // Reliable provisional responses (RFC 3262): PRACK for a far end's reliable 18x (early media
      // in a 183 that must not be lost), and a reliable 180 when a caller requires it.
      sipExtension100rel: SIPExtension.Supported,
      // Session timers (RFC 4028), handled by `call-session-timer.ts`.
      sipExtensionExtraSupported: ['timer'],
      // 180 Ringing is sent by us once the call may ring (`incoming-decision.ts`), not on arrival.
      sendInitialProvisionalResponse: false,
      // SIP.js's own console log would print whole messages, Authorization headers included: every
      // line goes through SipLog's redaction instead.
      logBuiltinEnabled: false,
      logConnector: (level, category, _label, content) => this.log.write(level, category, content),
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        onDisconnect: (error) => this.onDisconnect(error),
        onMessage: (message) =>
          void receiveTextMessage(message, config.accountId, (incoming) =>
            this.delegate.onMessage?.(incoming),
          ),
      },
    });
    retryInvitesAfter422(this.userAgent);
    // Bad SIP from the network is answered or dropped with a log line, never thrown into the page.
    const transport = this.userAgent.transport;
    const deliver = transport.onMessage;
    const core = this.userAgent.userAgentCore;
    const branches = new TransactionBranches();
    if (deliver)
      transport.onMessage = guardInbound(deliver, {
        branches,
        send: (message) => transport.send(message),
        log: (level, message) => this.log.note(level, message),
        supportedExtensions: core.configuration.supportedOptionTags,
        knowsDialog: (callId, localTag, remoteTag) => core.dialogs.has(callId + localTag + remoteTag),
        onProvisionalWithoutContact: (response) =>
          this.calls.get(response.callId + response.fromTag)?.farEndRinging(response.statusCode),
      });
    captureTransport(transport, {
      accountId: config.accountId,
      redact: (text) => this.log.redact(text),
      report: (message) => this.delegate.onSipMessage?.(message),
    });
    // Outermost, so the capture records the branch the peer sees (RFC 3261 §17.2.3; see TransactionBranches).
    const sendCaptured = transport.send.bind(transport);
    transport.send = (message: string) => sendCaptured(branches.outbound(message));
    const registrar = config.realm ? UserAgent.makeURI(`sip:${config.realm}`) : undefined;
    this.registerer = new Registerer(this.userAgent, {
      expires: REGISTER_EXPIRES_SECONDS,
      ...(registrar ? { registrar } : {}),
    });
    this.presence = new PresenceAgent(this.userAgent, config.accountId, config.aor, (event) =>
      this.delegate.onPresence?.(event),
    );
    // SIP.js refreshes the registration by itself; when a refresh fails (refused, timed out, or sent on
    // a dead connection) it only moves to Unregistered, so that is where re-registering starts.
    this.registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) this.presence.watchMailbox();
      if (state === RegistererState.Unregistered) this.reconnector.registrationLost();
    });
    this.reconnector = new Reconnector(
      new ReconnectPolicy(servers),
      {
        connect: (server, fresh) => this.connectTo(server, fresh),
        register: () => this.registerOnce(),
        reconnected: (networkChanged) => this.refreshCalls(networkChanged),
      },
      (status) => this.onConnectionStatus(status),
    );
  }

  /** Changes how much SIP.js reports from now on (debug includes every SIP message). */
  setLogLevel(level: AppLogLevel): void {
    this.log.setLevel(level);
  }

  /** Where bare numbers and names are dialled, and how national numbers are read. */
  get dialContext(): DialContext {
    const country = this.config.defaultCountry;
    return {
      domain: domainOfSipUri(this.config.aor),
      ...(country ? { defaultCountry: country } : {}),
    };
  }

  /**
   * Connects the WebSocket and registers, and keeps it so (see {@link Reconnector}). Failures are
   * reported as registration state, never thrown.
   */
  async start(): Promise<void> {
    if (this.refusesPort()) return;
    await this.reconnector.start();
  }

  /**
   * Chromium refuses some ports before any packet leaves (`net::ERR_UNSAFE_PORT`, 5060 and 5061
   * among them) and the page is only told "closed": say so at once instead of reporting an
   * unreachable server and retrying for ever.
   */
  private refusesPort(): boolean {
    const refused = refusedWebSocketPort(this.config.wssUrl);
    if (refused === null) return false;
    this.setRegistration('failed', { kind: 'unsafe-port', detail: String(refused) });
    return true;
  }

  /**
   * Reconnects at once instead of waiting for the next scheduled attempt. `networkChanged` (the OS
   * says the network is back or the machine woke up) also replaces a connection that looks open and
   * restarts ICE on calls in progress.
   */
  reconnectNow(networkChanged = false): Promise<void> {
    if (this.refusesPort()) return Promise.resolve();
    return this.reconnector.reconnectNow(networkChanged);
  }

  private async connectTo(server: string, fresh: boolean): Promise<void> {
    const transport = this.userAgent.transport;
    if (!(transport instanceof FailoverTransport || transport instanceof GatewayTransport))
      throw new Error('unexpected SIP.js transport');
    if (transport.isConnected() && (fresh || transport.server !== server)) await transport.disconnect();
    transport.setServer(server);
    try {
      if (this.userAgent.state === UserAgentState.Started) await this.userAgent.reconnect();
      else await this.userAgent.start();
    } catch (error) {
      // The gateway says why (name not found, no answer, certificate...): show that, not "cannot reach".
      if (error instanceof GatewayConnectFailure)
        throw new ConnectFailure(registrationErrorForGateway(error.error));
      throw error;
    }
  }

  /**
   * One REGISTER and its final answer. A REGISTER still waiting for its answer (RFC 3261 §10.2 allows
   * only one; one lost with its connection ends with Timer F, 32 s) makes SIP.js refuse with
   * RequestPendingError: that counts as a failure worth retrying, so the next attempt comes after a
   * backoff rather than never.
   */
  private registerOnce(): Promise<RegisterOutcome> {
    return new Promise<RegisterOutcome>((resolve) => {
      let settled = false;
      const done = (outcome: RegisterOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        this.registerer.stateChange.removeListener(onState);
        resolve(outcome);
      };
      // The registerer drops a few answers without calling a delegate (e.g. a 200 without our
      // Contact) but still moves to Unregistered; it calls onReject right after that move, so the
      // state is only read once the delegates had their turn.
      const onState = (state: RegistererState): void => {
        // A 423 Interval Too Brief is answered by SIP.js itself, with a new REGISTER at the
        // Min-Expires asked for (RFC 3261 §10.2.8) whose delegates are not these: its 200 shows
        // only as this move.
        if (state === RegistererState.Registered) {
          done({ ok: true });
          return;
        }
        if (state !== RegistererState.Unregistered) return;
        queueMicrotask(() => done({ ok: false, error: { kind: 'rejected' }, retry: true }));
      };
      const guard = setTimeout(
        () => done({ ok: false, error: { kind: 'timeout' }, retry: true }),
        REGISTER_ANSWER_TIMEOUT_MS,
      );
      this.registerer.stateChange.addListener(onState);
      this.registerer
        .register({
          requestDelegate: {
            onAccept: () => done({ ok: true }),
            onReject: (response) => {
              const { statusCode = 0, reasonPhrase } = response.message;
              done({
                ok: false,
                error: registrationErrorForStatus(statusCode, reasonPhrase),
                retry: registrationIsRetryable(statusCode),
              });
            },
          },
        })
        .catch((error: unknown) =>
          done({ ok: false, error: { kind: 'unreachable', detail: String(error) }, retry: true }),
        );
    });
  }

  /**
   * Registered again on a new connection. Established calls re-INVITE: the new Contact (and the
   * proxy's alias for the new connection) is a target refresh, without which the far end's in-dialog
   * requests (BYE, re-INVITE) would go to the dead connection (https://github.com/onsip/SIP.js/issues/1088);
   * after a network change the offer also restarts ICE, as the old candidate pairs may be gone.
   */
  private refreshCalls(networkChanged: boolean): void {
    for (const call of this.calls.values()) void call.refreshAfterReconnect(networkChanged);
  }

  private onConnectionStatus(status: ConnectionStatus): void {
    if (this.stopped) return;
    this.setRegistration(status.state, status.error, {
      server: status.server,
      serverIndex: status.serverIndex,
      ...(status.nextAttemptAt === undefined ? {} : { nextAttemptAt: status.nextAttemptAt }),
    });
  }

  /**
   * The user is entering a number to call on this account: the next audio call's peer connection
   * and offer are made now, so the INVITE leaves the moment they dial, with the candidates (and any
   * STUN or TURN answer) gathered while they typed. Nothing is captured; unused, it is let go after
   * {@link PREPARED_DIAL_MS}.
   */
  prepareDial(): void {
    if (this.preparedDial || this.stopped || this.registration.state !== 'registered') return;
    const handler = this.handlers.ahead(this.userAgent);
    void handler.prepareLocalOffer();
    this.preparedDial = {
      handler,
      expiry: setTimeout(() => this.takePreparedDial()?.close(), PREPARED_DIAL_MS),
    };
  }

  private takePreparedDial(): RinglineSessionDescriptionHandler | undefined {
    const prepared = this.preparedDial;
    this.preparedDial = undefined;
    clearTimeout(prepared?.expiry);
    return prepared?.handler;
  }

  /**
   * The page is going away (tab or window closed, app quitting, reload): what the server must hear
   * goes out now, in this turn, since no later one may come. Every call is ended (BYE, or CANCEL /
   * 603 while it rings), our published status is withdrawn (RFC 3903 §4.5) and our subscriptions end
   * (RFC 6665 §4.1.2.3), so colleagues stop seeing the status of an app that closed; and our contact
   * is withdrawn (RFC 3261 §10.2.2, expires 0), so the server stops routing calls to a client that is
   * gone instead of letting them ring into nothing until the registration expires. Nothing waits for
   * the answers.
   */
  leave(): void {
    this.stopped = true;
    this.takePreparedDial()?.close();
    this.reconnector.stop();
    for (const call of this.calls.values()) void call.hangup().catch(() => undefined);
    void this.presence.stop();
    if (this.registerer.state === RegistererState.Registered)
      this.registerer.unregister().catch(() => undefined);
  }

  /** Hangs up every call, unregisters and closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.takePreparedDial()?.close();
    this.reconnector.stop();
    await Promise.allSettled([...this.calls.values()].map((call) => call.hangup()));
    // Both leave in this turn; the presence side resolves at its answers, the un-REGISTER's is waited
    // for by `userAgent.stop()` (challenges included), so a slow notifier does not delay the latter.
    await Promise.all([
      this.presence.stop(),
      this.registerer.state === RegistererState.Registered
        ? this.registerer.unregister().catch(() => undefined)
        : undefined,
    ]);
    await this.userAgent.stop().catch(() => undefined);
    this.setRegistration('offline');
  }

  /** Places a call to an already resolved SIP URI (see `resolveDialTarget`), with video when asked. */
  dial(targetUri: string, withVideo = false): Call {
    const target = UserAgent.makeURI(targetUri);
    if (!target) throw new Error(`invalid SIP URI: ${targetUri}`);
    const inviter = new Inviter(this.userAgent, target, {
      earlyMedia: true,
      extraHeaders: INVITE_HEADERS,
      sessionDescriptionHandlerOptions: AUDIO_ONLY,
    });
    // The call the number was entered for; a video call makes its own offer (video added first).
    const prepared = this.takePreparedDial();
    if (prepared && withVideo) prepared.close();
    else if (prepared) this.handlers.prepare(inviter, prepared);
    const call = Call.dial(inviter, this.config.accountId, this.dtmfMode, this.callEvents(), withVideo);
    // SIP.js took it when the INVITE was started; should it not have, it is closed, not left open.
    this.handlers.discard(inviter);
    return this.track(call);
  }

  /** Sends a text message (SIP MESSAGE) to an already resolved SIP URI; `onOutcome` runs once. */
  sendMessage(targetUri: string, text: string, onOutcome: (outcome: MessageSendOutcome) => void): void {
    const target = UserAgent.makeURI(targetUri);
    if (!target) throw new Error(`invalid SIP URI: ${targetUri}`);
    sendTextMessage(this.userAgent, target, text, onOutcome);
  }

  /** Calls on this account that are not over yet. */
  liveCalls(): Call[] {
    return [...this.calls.values()];
  }

  call(id: string): Call | undefined {
    return this.calls.get(id);
  }

  private get dtmfMode(): DtmfMode {
    return this.defaultDtmfMode ?? this.config.dtmfMode ?? 'rfc4733';
  }

  /** Changes how new calls on this account send DTMF (calls in progress keep theirs). */
  setDefaultDtmfMode(mode: DtmfMode): void {
    this.defaultDtmfMode = mode;
  }

  private callEvents(): CallEvents {
    return {
      onSnapshot: (s) => this.onCallChange(s),
      onReferral: (call, referral) => this.onReferral(call, referral),
      onLog: (level, message) => this.log.note(level, message),
    };
  }

  private onInvite(invitation: Invitation): void {
    void this.takeInvite(invitation);
  }

  private async takeInvite(invitation: Invitation): Promise<void> {
    const decision = await decideBeforeRinging(invitation);
    // Cancelled (or otherwise ended) while deciding: there is nothing to ring.
    if (invitation.state !== SessionState.Initial) return;
    if (decision.kind === 'refuse') {
      this.log.note('warn', `refused a call with ${decision.statusCode}: ${decision.why}`);
      await invitation
        .reject({ statusCode: decision.statusCode, extraHeaders: decision.extraHeaders })
        .catch(() => undefined);
      return;
    }
    // Before the call is reported: an auto-answer then already finds the prepared handler.
    prepareAnswer(
      this.handlers,
      invitation,
      sdpOffer(invitation.body, invitation.request.getHeader('Content-Type')),
    );
    const call = this.track(
      Call.incoming(invitation, this.config.accountId, this.dtmfMode, this.callEvents(), {
        headers: decision.answerHeaders,
        ...(decision.sessionTimer ? { sessionTimer: decision.sessionTimer } : {}),
      }),
    );
    const replaced = call.replaces;
    if (!replaced) {
      // The answering policy may have refused, redirected or answered it already (do not disturb,
      // forwarding, auto-answer without delay): the caller then gets that answer and no ringing.
      if (invitation.state === SessionState.Initial)
        void ring(invitation, AUDIO_ONLY).catch((error: unknown) =>
          this.log.note('warn', `could not send 180 Ringing: ${String(error)}`),
        );
      return;
    }
    // An INVITE with Replaces that SIP.js matched to one of our dialogs takes that call over: answer it
    // without ringing (RFC 3891 §3); SIP.js sends BYE on the replaced dialog once this one is up.
    void call.answer().then(() => {
      // A directed pickup replaces our outgoing call while it still rings elsewhere: SIP.js sends no
      // BYE on an early dialog, so the ringing phone is told with CANCEL (RFC 3891 §3, RFC 3261 §9).
      if (replaced instanceof Inviter && replaced.state === SessionState.Establishing) {
        void replaced
          .cancel({ statusCode: 200, reasonPhrase: 'Call completed elsewhere' })
          .catch(() => undefined);
      }
    });
  }

  /**
   * Directed call pickup (RFC 3891 with RFC 4235 dialog info): takes the call ringing at the watched
   * line `lineUri` by calling its caller with Replaces naming the caller's early dialog. The caller's
   * phone answers us and cancels the ringing one. Undefined when nothing rings there or the server
   * did not give the Call-ID, both tags and the caller's identity.
   */
  pickup(lineUri: string): Call | undefined {
    const ringing = this.presence.ringingAt(lineUri);
    const caller = ringing?.remote?.identity ?? ringing?.remote?.target;
    if (!ringing?.callId || !ringing.localTag || !ringing.remoteTag || !caller) return undefined;
    const target = UserAgent.makeURI(caller);
    if (!target) return undefined;
    // The tags are the callee's (local = callee); Replaces names the dialog as the caller sees it.
    const replaces = `Replaces: ${ringing.callId};to-tag=${ringing.remoteTag};from-tag=${ringing.localTag};early-only`;
    const inviter = new Inviter(this.userAgent, target, {
      earlyMedia: true,
      extraHeaders: [replaces, ...INVITE_HEADERS],
      sessionDescriptionHandlerOptions: AUDIO_ONLY,
    });
    return this.track(Call.dial(inviter, this.config.accountId, this.dtmfMode, this.callEvents()));
  }

  /**
   * We are being transferred (RFC 3515): accept the REFER, call the target (with Replaces when the
   * Refer-To carries one) and report progress to the referrer with NOTIFY `message/sipfrag`.
   */
  private onReferral(referrer: Call, referral: Referral): void {
    void referral.accept();
    const inviter = referral.makeInviter({
      earlyMedia: true,
      extraHeaders: INVITE_HEADERS,
      sessionDescriptionHandlerOptions: AUDIO_ONLY,
    });
    const dialog = referrer.sipSession.dialog;
    let terminated = false;
    const report = (statusLine: string, final: boolean): void => {
      if (terminated || !dialog || referrer.sipSession.state !== SessionState.Established) return;
      terminated = final;
      dialog.notify(undefined, {
        extraHeaders: [
          'Event: refer',
          `Subscription-State: ${final ? 'terminated;reason=noresource' : 'active;expires=60'}`,
        ],
        body: {
          contentDisposition: 'render',
          contentType: 'message/sipfrag;version=2.0',
          content: `${statusLine}\r\n`,
        },
      });
    };
    report('SIP/2.0 100 Trying', false);
    const events = this.callEvents();
    const call = Call.dial(inviter, this.config.accountId, this.dtmfMode, {
      ...events,
      onSnapshot: (snapshot) => {
        if (snapshot.state === 'ringing' || snapshot.state === 'early-media')
          report('SIP/2.0 180 Ringing', false);
        if (snapshot.state === 'active') report('SIP/2.0 200 OK', true);
        if (snapshot.state === 'ended' && !snapshot.answeredAt) {
          const code = snapshot.end?.statusCode ?? 500;
          report(`SIP/2.0 ${code} ${snapshot.end?.detail ?? 'Failed'}`, true);
        }
        events.onSnapshot(snapshot);
      },
    });
    this.track(call);
    this.delegate.onTransferredCall?.(referrer.id, call.id);
  }

  private track(call: Call): Call {
    this.calls.set(call.id, call);
    this.delegate.onCall(call.current());
    return call;
  }

  private onCallChange(snapshot: CallSnapshot): void {
    if (snapshot.state === 'ended') this.calls.delete(snapshot.id);
    this.delegate.onCall(snapshot);
  }

  /** Without an error, we closed the connection ourselves (stop, failover, network change). */
  private onDisconnect(error?: Error): void {
    if (this.stopped || !error) return;
    this.reconnector.connectionLost(error.message);
  }

  private setRegistration(
    state: RegistrationState,
    error?: RegistrationError,
    where: Pick<RegistrationSnapshot, 'nextAttemptAt' | 'server' | 'serverIndex'> = {},
  ): void {
    this.registration = {
      accountId: this.config.accountId,
      state,
      since: Date.now(),
      ...(error ? { error } : {}),
      ...where,
    };
    this.delegate.onRegistration(this.registration);
  }
}
