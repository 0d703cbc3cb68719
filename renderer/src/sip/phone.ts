import {
  Inviter,
  Registerer,
  RegistererState,
  SIPExtension,
  SessionState,
  UserAgent,
  type Invitation,
  type LogLevel,
  type Referral,
} from 'sip.js';
import { AUDIO_ONLY, Call, type CallEvents } from './call';
import { isSupportedCountry } from 'libphonenumber-js';
import { domainOfSipUri, type DialContext } from './dial-target';
import type { CallSnapshot, DtmfMode } from './call-state';
import { registrationErrorForStatus, type RegistrationError } from './sip-status';
import type { CodecPreferences } from './codec-preferences';
import {
  ringlineSessionDescriptionHandlerFactory,
  type MediaNegotiation,
} from './session-description-handler';

/** Everything a Phone needs to register one account. The password arrives from the host, never stored here. */
export interface PhoneConfig {
  accountId: string;
  /** Address of record, e.g. `sip:1001@pbx.example.com`. */
  aor: string;
  displayName: string;
  authUser: string;
  password: string;
  wssUrl: string;
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

export type RegistrationState = 'offline' | 'connecting' | 'registering' | 'registered' | 'failed';

export interface RegistrationSnapshot {
  accountId: string;
  state: RegistrationState;
  error?: RegistrationError;
  since: number;
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
  /** SIP.js warnings and errors, for the app log (the host redacts secrets before writing). */
  onLog?(level: 'warn' | 'error', message: string): void;
}

const REGISTER_EXPIRES_SECONDS = 300;

/**
 * One SIP account: its WebSocket transport, its registration and its calls.
 * Owns every SIP.js object for the account; the UI only sees snapshots through {@link PhoneDelegate}.
 */
export class Phone {
  private readonly userAgent: UserAgent;
  private readonly registerer: Registerer;
  private readonly calls = new Map<string, Call>();
  private registration: RegistrationSnapshot;
  private stopped = false;
  private defaultDtmfMode: DtmfMode | undefined;

  constructor(
    private readonly config: PhoneConfig,
    private readonly delegate: PhoneDelegate,
    logLevel: LogLevel = 'warn',
  ) {
    const uri = UserAgent.makeURI(config.aor);
    if (!uri) throw new Error(`invalid SIP address: ${config.aor}`);
    this.registration = { accountId: config.accountId, state: 'offline', since: Date.now() };
    this.userAgent = new UserAgent({
      uri,
      displayName: config.displayName || undefined,
      authorizationUsername: config.authUser || uri.user,
      authorizationPassword: config.password,
      transportOptions: { server: config.wssUrl },
      preloadedRouteSet: config.outboundProxy ? [config.outboundProxy] : [],
      // Codec order, an ICE wait that ends when the useful candidates are in, the user's devices.
      sessionDescriptionHandlerFactory: ringlineSessionDescriptionHandlerFactory({
        iceServers: config.iceServers,
        iceTransportPolicy: config.iceTransportPolicy ?? 'all',
        codecs: config.codecs ?? { audio: [], video: [] },
        captureConstraints: config.captureConstraints ?? ((requested) => requested),
      }),
      // Accept INVITEs with Replaces (RFC 3891) so an attended transfer can complete towards us.
      sipExtensionReplaces: SIPExtension.Supported,
      logLevel,
      // SIP.js's debug log prints whole messages, Authorization headers included; keep it off.
      logBuiltinEnabled: false,
      logConnector: (level, category, _label, content) => {
        if (level === 'error' || level === 'warn') this.delegate.onLog?.(level, `${category}: ${content}`);
      },
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        onDisconnect: (error) => this.onDisconnect(error),
      },
    });
    const registrar = config.realm ? UserAgent.makeURI(`sip:${config.realm}`) : undefined;
    this.registerer = new Registerer(this.userAgent, {
      expires: REGISTER_EXPIRES_SECONDS,
      ...(registrar ? { registrar } : {}),
    });
    this.registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) this.setRegistration('registered');
      if (state === RegistererState.Unregistered && this.registration.state === 'registered') {
        this.setRegistration('offline');
      }
    });
  }

  /** Where bare numbers and names are dialled, and how national numbers are read. */
  get dialContext(): DialContext {
    const country = this.config.defaultCountry;
    return {
      domain: domainOfSipUri(this.config.aor),
      ...(country && isSupportedCountry(country) ? { defaultCountry: country } : {}),
    };
  }

  /** Connects the WebSocket and registers. Failures are reported as registration state, never thrown. */
  async start(): Promise<void> {
    this.setRegistration('connecting');
    try {
      await this.userAgent.start();
    } catch (error) {
      this.setRegistration('failed', { kind: 'unreachable', detail: String(error) });
      return;
    }
    await this.register();
  }

  async register(): Promise<void> {
    if (this.stopped) return;
    this.setRegistration('registering');
    try {
      await this.registerer.register({
        requestDelegate: {
          onReject: (response) => {
            const { statusCode = 0, reasonPhrase } = response.message;
            this.setRegistration('failed', registrationErrorForStatus(statusCode, reasonPhrase));
          },
        },
      });
    } catch (error) {
      this.setRegistration('failed', { kind: 'unreachable', detail: String(error) });
    }
  }

  /** Hangs up every call, unregisters and closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.calls.values()].map((call) => call.hangup()));
    if (this.registerer.state === RegistererState.Registered) {
      await this.registerer.unregister().catch(() => undefined);
    }
    await this.userAgent.stop().catch(() => undefined);
    this.setRegistration('offline');
  }

  /** Places a call to an already resolved SIP URI (see `resolveDialTarget`). */
  dial(targetUri: string): Call {
    const target = UserAgent.makeURI(targetUri);
    if (!target) throw new Error(`invalid SIP URI: ${targetUri}`);
    const inviter = new Inviter(this.userAgent, target, {
      earlyMedia: true,
      sessionDescriptionHandlerOptions: AUDIO_ONLY,
    });
    return this.track(Call.dial(inviter, this.config.accountId, this.dtmfMode, this.callEvents()));
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
    };
  }

  private onInvite(invitation: Invitation): void {
    const call = this.track(
      Call.incoming(invitation, this.config.accountId, this.dtmfMode, this.callEvents()),
    );
    // An INVITE with Replaces that SIP.js matched to one of our dialogs takes that call over: answer it
    // without ringing (RFC 3891 §3); SIP.js sends BYE on the replaced dialog once this one is up.
    if (call.replaces) void call.answer();
  }

  /**
   * We are being transferred (RFC 3515): accept the REFER, call the target (with Replaces when the
   * Refer-To carries one) and report progress to the referrer with NOTIFY `message/sipfrag`.
   */
  private onReferral(referrer: Call, referral: Referral): void {
    void referral.accept();
    const inviter = referral.makeInviter({ earlyMedia: true, sessionDescriptionHandlerOptions: AUDIO_ONLY });
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

  private onDisconnect(error?: Error): void {
    if (this.stopped) return;
    // Reconnection with backoff is its own piece of work; until then tell the truth: we are offline.
    this.setRegistration('failed', { kind: 'unreachable', ...(error ? { detail: error.message } : {}) });
  }

  private setRegistration(state: RegistrationState, error?: RegistrationError): void {
    this.registration = {
      accountId: this.config.accountId,
      state,
      since: Date.now(),
      ...(error ? { error } : {}),
    };
    this.delegate.onRegistration(this.registration);
  }
}
