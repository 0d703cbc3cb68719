/**
 * The one typed contract between Electron main, the preload bridge and the renderer.
 *
 * Main implements {@link RinglineApi}, preload exposes it as `window.ringline`, and the renderer's
 * Electron host calls it. The zod schemas are the runtime side of the same types: main validates
 * every argument that crosses IPC with them, because the renderer is treated as untrusted.
 *
 * This file must stay free of Electron and Node imports: the renderer bundles it.
 */
import { z } from 'zod';
import {
  AUDIO_CODECS,
  DEFAULT_ACCOUNT_MEDIA,
  DEFAULT_CALL_HANDLING,
  DEFAULT_PRESENCE_OPTIONS,
  DEFAULT_SETTINGS,
  IDLE_PHONE_STATUS,
  LINK_SCHEMES,
  VIDEO_CODECS,
  withSettingsPatch,
} from './contract-defaults';
import { sipServerProblem } from './sip-server';
import { MAX_TEXT, SIP_URI } from './sip-uri';
import { wssUrlProblem } from './wss-url';

/** A SIP or SIPS URI with a user part, e.g. `sip:1001@pbx.example.com`. */
export const sipUriSchema = z.string().trim().max(MAX_TEXT).regex(SIP_URI, 'expected sip:user@host');

/** WebSocket signalling server (RFC 7118). Only `wss:` is accepted: credentials never travel in clear. */
export const wssUrlSchema = z
  .string()
  .trim()
  .max(MAX_TEXT)
  .superRefine((value, context) => {
    const problem = wssUrlProblem(value);
    if (problem !== null) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `expected wss://host[:port][/path] (${problem})`,
      });
    }
  });

/**
 * Outbound proxy: a SIP or SIPS URI whose user part is optional, with URI parameters such as `;lr`
 * (RFC 3261 loose routing), e.g. `sip:proxy.example.com;lr`. No headers (`?`), no spaces.
 */
export const outboundProxySchema = z
  .string()
  .trim()
  .max(MAX_TEXT)
  .regex(/^sips?:(?:[^\s@:;?]+@)?[^\s@;?:]+(?::\d{1,5})?(?:;[^\s@;?]+)*$/i, 'expected sip:host[;params]');

/** Most fallback servers an account may list: each failed round tries them all before backing off. */
export const MAX_FALLBACK_WSS_URLS = 3;

/** Servers tried in order when the primary `wssUrl` cannot be reached (failover). */
export const fallbackWssUrlsSchema = z
  .array(wssUrlSchema)
  .max(MAX_FALLBACK_WSS_URLS, `at most ${MAX_FALLBACK_WSS_URLS} fallback servers`);

/**
 * How an account reaches its SIP server: SIP over secure WebSocket (RFC 7118) from the renderer, or
 * SIP over UDP, TCP or TLS (RFC 3261) through Ringline's own gateway (`electron/gateway`), which also
 * bridges the call's WebRTC media to the far end's plain RTP or SDES-SRTP.
 */
export const SIP_TRANSPORTS = ['wss', 'udp', 'tcp', 'tls'] as const;
export const sipTransportSchema = z.enum(SIP_TRANSPORTS);
export type SipTransport = z.infer<typeof sipTransportSchema>;
/** The transports the gateway carries (everything but WebSocket). */
export type DirectSipTransport = Exclude<SipTransport, 'wss'>;

/** A direct SIP server: `host`, `host:port`, `[v6]:port` (see `sip-server.ts`); no port: RFC 3263 lookup. */
export const sipServerSchema = z
  .string()
  .trim()
  .max(MAX_TEXT)
  .superRefine((value, context) => {
    const problem = sipServerProblem(value);
    if (problem !== null) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: `expected host[:port] (${problem})` });
    }
  });

/** Servers tried in order when the primary direct server cannot be reached (failover). */
export const fallbackSipServersSchema = z
  .array(sipServerSchema)
  .max(MAX_FALLBACK_WSS_URLS, `at most ${MAX_FALLBACK_WSS_URLS} fallback servers`);

/**
 * One way to reach an account's server: a WebSocket URL, or a direct server with its transport. The
 * first-run assistant keeps the ones that answered besides the one it chose, as suggestions.
 */
export const connectionCandidateSchema = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('wss'), url: wssUrlSchema }).strict(),
  z.object({ transport: z.enum(['udp', 'tcp', 'tls']), server: sipServerSchema }).strict(),
]);
export type ConnectionCandidate = z.infer<typeof connectionCandidateSchema>;

export const accountIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid account id');

const seconds = z.number().int().min(0).max(600);

/**
 * How an account's incoming calls are handled and how it sends DTMF. Every field has a default, so
 * accounts saved before a field existed still load.
 */
export const callHandlingSchema = z
  .object({
    /** Answer every call automatically (after the delay) when no other call is up. */
    autoAnswer: z.boolean().default(false),
    autoAnswerDelaySeconds: seconds.default(0),
    /** Honour callers' intercom requests (`Call-Info: answer-after=`, `Alert-Info: auto answer`). */
    allowIntercom: z.boolean().default(false),
    /** Forward with 302: never, every call, only while another call is up, or when not answered in time. */
    forward: z.enum(['off', 'always', 'busy', 'no-answer']).default('off'),
    forwardTarget: z.string().trim().max(MAX_TEXT).default(''),
    forwardAfterSeconds: seconds.default(20),
    /** RFC 4733 in the audio, or SIP INFO as `application/dtmf-relay` or `application/dtmf`. */
    dtmfMode: z.enum(['rfc4733', 'info', 'info-dtmf']).default('rfc4733'),
    /** Record every call on this account from the moment it is answered. */
    recordAll: z.boolean().default(false),
  })
  .strict();

export type CallHandling = z.infer<typeof callHandlingSchema>;

/**
 * BLF keys, voicemail and own presence of an account (RFC 4235, 3842, 3863). Every field has a default,
 * so accounts saved before these existed still load.
 */
export const presenceOptionsSchema = z
  .object({
    /** Numbers or SIP addresses whose line state (idle, ringing, in call) is shown as BLF keys. */
    watch: z.array(z.string().trim().min(1).max(MAX_TEXT)).max(64).default([]),
    /** Dialled when the voicemail indicator is clicked, e.g. `*97`. */
    voicemailNumber: z.string().trim().max(MAX_TEXT).default(''),
    /** PUBLISH our own status (available, away, busy, do not disturb) for others' presence. */
    publishPresence: z.boolean().default(false),
  })
  .strict();

export type PresenceOptions = z.infer<typeof presenceOptionsSchema>;

/** A STUN or TURN server URL (RFC 7064, RFC 7065), e.g. `stun:stun.example.com:3478`, `turns:turn.example.com`. */
export const iceServerUrlSchema = z
  .string()
  .trim()
  .max(MAX_TEXT)
  .regex(/^(stuns?|turns?):[^\s?]+(\?transport=(udp|tcp))?$/i, 'expected stun:, stuns:, turn: or turns: URL');

/**
 * One STUN or TURN server. The TURN credential is a secret: it is stored like the account password
 * (sealed by the host), never in this object.
 */
export const iceServerSchema = z
  .object({
    url: iceServerUrlSchema,
    username: z.string().max(MAX_TEXT).default(''),
  })
  .strict();
export type IceServerSetting = z.infer<typeof iceServerSchema>;

/**
 * How an account's calls negotiate media: codec order, STUN/TURN servers and ICE policy. Every field
 * has a default, so accounts saved before this existed still load.
 */
export const accountMediaSchema = z
  .object({
    audioCodecs: z
      .array(z.enum(AUDIO_CODECS))
      .max(AUDIO_CODECS.length)
      .default([...AUDIO_CODECS]),
    videoCodecs: z
      .array(z.enum(VIDEO_CODECS))
      .max(VIDEO_CODECS.length)
      .default([...VIDEO_CODECS]),
    iceServers: z.array(iceServerSchema).max(8).default([]),
    /** `relay`: only TURN relay candidates (hides our addresses; needs a TURN server). */
    iceTransportPolicy: z.enum(['all', 'relay']).default('all'),
  })
  .strict();
export type AccountMedia = z.infer<typeof accountMediaSchema>;

/** What the account form submits. The password is optional on edit: absent means "keep the stored one". */
export const accountInputSchema = z
  .object({
    id: accountIdSchema.optional(),
    displayName: z.string().trim().max(MAX_TEXT),
    sipUri: sipUriSchema,
    authUser: z.string().trim().max(MAX_TEXT),
    password: z.string().max(MAX_TEXT).optional(),
    /** Absent: `wss` (accounts saved before direct transports existed). */
    transport: sipTransportSchema.optional(),
    /** Required for `wss`, empty otherwise (see {@link accountConnectionProblem}). */
    wssUrl: z.union([wssUrlSchema, z.literal('')]),
    fallbackWssUrls: fallbackWssUrlsSchema.optional(),
    /** Required for `udp`/`tcp`/`tls`. */
    sipServer: z.union([sipServerSchema, z.literal('')]).optional(),
    fallbackSipServers: fallbackSipServersSchema.optional(),
    // sipUriSchema too: it was the rule before, and an account saved under it must still load.
    outboundProxy: z.union([outboundProxySchema, sipUriSchema, z.literal('')]).optional(),
    realm: z.string().trim().max(MAX_TEXT).optional(),
    callHandling: callHandlingSchema.optional(),
    /** ISO 3166 country for reading national numbers typed or clicked (libphonenumber-js), e.g. `US`. */
    defaultCountry: z
      .union([z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code'), z.literal('')])
      .optional(),
    presence: presenceOptionsSchema.optional(),
    media: accountMediaSchema.optional(),
    /**
     * TURN credentials by index into `media.iceServers`; like the password, an absent entry keeps the
     * stored one. Sealed by the host, never written in clear.
     */
    turnCredentials: z.array(z.string().max(MAX_TEXT).optional()).max(8).optional(),
    /** Other servers that answered when the assistant set the account up, offered on the account page. */
    connectionSuggestions: z.array(connectionCandidateSchema).max(8).optional(),
  })
  .strict();

export type AccountInput = z.infer<typeof accountInputSchema>;

/** What is missing for the account's transport to have a server, or null. Checked on every save. */
export function accountConnectionProblem(
  input: Pick<AccountInput, 'transport' | 'wssUrl' | 'sipServer'>,
): 'wss-url-required' | 'sip-server-required' | null {
  if ((input.transport ?? 'wss') === 'wss') return input.wssUrl === '' ? 'wss-url-required' : null;
  return input.sipServer === undefined || input.sipServer === '' ? 'sip-server-required' : null;
}

/** An account as the renderer sees it; the password is fetched separately and only when registering. */
export interface Account {
  id: string;
  displayName: string;
  sipUri: string;
  authUser: string;
  /** Absent means `wss`. */
  transport?: SipTransport;
  /** The WebSocket server (`wss` accounts); empty for direct transports. */
  wssUrl: string;
  /** Tried in order when `wssUrl` cannot be reached. */
  fallbackWssUrls?: string[];
  /** The direct SIP server (`udp`/`tcp`/`tls` accounts), `host[:port]`. */
  sipServer?: string;
  /** Tried in order when `sipServer` cannot be reached. */
  fallbackSipServers?: string[];
  outboundProxy?: string;
  realm?: string;
  defaultCountry?: string;
  callHandling?: CallHandling;
  /** The one self-signed server certificate the user chose to trust for this account (desktop only). */
  trustedCertificate?: TrustedCertificate;
  presence?: PresenceOptions;
  media?: AccountMedia;
  /** Other servers that answered when the assistant set the account up. */
  connectionSuggestions?: ConnectionCandidate[];
  /** False when no password is stored or remembered for this session: the UI must ask for one. */
  hasPassword: boolean;
}

/**
 * How passwords are kept.
 * - `encrypted`: the OS keyring encrypts them (Electron `safeStorage`).
 * - `session-only`: no secure store is available (Linux without a keyring, or a browser); the password
 *   is held in memory until the app quits and is never written in clear text.
 */
export type SecretStorage = 'encrypted' | 'session-only';

/** A storage file that could not be read. It was moved aside, never deleted, and the user is told. */
export interface StorageProblem {
  file: 'accounts' | 'settings';
  backupPath: string;
  detail: string;
}

export interface AccountsSnapshot {
  accounts: Account[];
  secretStorage: SecretStorage;
  problems: StorageProblem[];
}

export const languageSchema = z.enum(['system', 'en', 'zh-CN']);
export type LanguageSetting = z.infer<typeof languageSchema>;

export type LinkScheme = (typeof LINK_SCHEMES)[number];

/** An Electron accelerator such as `CommandOrControl+Shift+A`; validated again by Electron on register. */
const acceleratorSchema = z
  .string()
  .max(64)
  .regex(/^([A-Za-z0-9]+\+)*[A-Za-z0-9]+$/, 'expected an accelerator like CommandOrControl+Shift+A');

/**
 * Every setting has a default, so a settings file written by an older version still loads (missing
 * keys take their defaults) and nothing is reset. Nested objects are replaced whole by a patch.
 */
export const settingsSchema = z.object({
  language: languageSchema.default('system'),
  /** Show the number with Call / Cancel before dialling a clicked link. */
  askBeforeDialingLink: z.boolean().default(true),
  linkSchemes: z
    .object({
      tel: z.boolean().default(true),
      sip: z.boolean().default(true),
      sips: z.boolean().default(true),
      callto: z.boolean().default(true),
    })
    .default({}),
  /** Closing the window keeps Ringline running in the tray, so calls still ring. */
  closeToTray: z.boolean().default(true),
  startMinimized: z.boolean().default(false),
  startAtLogin: z.boolean().default(false),
  doNotDisturb: z.boolean().default(false),
  /** While do-not-disturb is on: answer incoming calls 486 Busy Here, or let them ring out silently (voicemail). */
  doNotDisturbMode: z.enum(['reject-busy', 'silent']).default('reject-busy'),
  /** Where the desktop app saves call recordings; empty means the default (Music/Ringline recordings). */
  recordingsFolder: z.string().max(1024).default(''),
  /**
   * Devices and capture processing. Device ids are the browser's `deviceId`s; empty means the system
   * default. A chosen device that is unplugged is remembered and used again when it comes back.
   */
  media: z
    .object({
      microphoneId: z.string().max(MAX_TEXT).default(''),
      speakerId: z.string().max(MAX_TEXT).default(''),
      /** Where incoming calls ring: one output (empty: the speaker's), or `all` for every output at once. */
      ringerId: z.string().max(MAX_TEXT).default(''),
      cameraId: z.string().max(MAX_TEXT).default(''),
      echoCancellation: z.boolean().default(true),
      noiseSuppression: z.boolean().default(true),
      autoGainControl: z.boolean().default(true),
    })
    .default({}),
  shortcuts: z
    .object({
      enabled: z.boolean().default(false),
      answer: acceleratorSchema.default('CommandOrControl+Shift+A'),
      hangup: acceleratorSchema.default('CommandOrControl+Shift+H'),
      mute: acceleratorSchema.default('CommandOrControl+Shift+M'),
    })
    .default({}),
  /** How much goes into the app log; `debug` adds every SIP message, with credentials redacted. */
  logLevel: z.enum(['error', 'warn', 'info', 'debug']).default('warn'),
});

export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * `current` with `patch` applied, validated. A key present but `undefined` (structured clone keeps
 * them, e.g. `{ language: undefined }`) changes nothing. Throws when the result is not valid.
 */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return settingsSchema.parse(withSettingsPatch(current, settingsPatchSchema.parse(patch)));
}

export interface SettingsSnapshot {
  settings: Settings;
  problems: StorageProblem[];
}

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  host: 'electron' | 'web';
}

/** Where a clicked link points, after parsing (see `links.ts`). */
export type LinkTarget =
  /** A phone number: E.164 (`+12015550123`) when it could be normalised, otherwise the dialable digits. */
  | { kind: 'number'; number: string }
  /** A SIP or SIPS URI without headers, e.g. `sip:alice@example.com`. */
  | { kind: 'sip'; uri: string };

export type LinkRejection =
  | 'empty'
  | 'too-long'
  | 'control-characters'
  | 'unsupported-scheme'
  | 'scheme-disabled'
  | 'headers-not-allowed'
  /** The host is four numbers but not an IPv4 address (`999.1.1.1`, `010.1.1.1`). */
  | 'host-ipv4-invalid'
  /** The host is numbers only, or ends in a label of digits: no such name can exist. */
  | 'host-numeric'
  /** The host is a malformed IPv6 reference, or an IPv6 address without brackets. */
  | 'host-ipv6-invalid'
  | 'malformed';

/**
 * A link the OS handed to us. Rejected links are reported, never dialled, so the user learns why
 * nothing happened. `link` is shortened for display.
 */
export type LinkRequest =
  | { kind: 'dial'; link: string; target: LinkTarget }
  | { kind: 'rejected'; link: string; reason: LinkRejection };

const registrationStateSchema = z.enum([
  'offline',
  'connecting',
  'registering',
  'registered',
  'reconnecting',
  'failed',
]);

/**
 * What the phone is doing, reported by the renderer whenever it changes. Main derives the tray icon
 * and menu and the OS notifications from it; the renderer never drives those directly.
 */
export const phoneStatusSchema = z
  .object({
    accounts: z
      .array(
        z
          .object({ id: accountIdSchema, name: z.string().max(MAX_TEXT), state: registrationStateSchema })
          .strict(),
      )
      .max(32),
    ringing: z
      .array(
        z
          .object({
            callId: z.string().min(1).max(MAX_TEXT),
            displayName: z.string().max(MAX_TEXT),
            number: z.string().max(MAX_TEXT),
          })
          .strict(),
      )
      .max(8),
    activeCalls: z.number().int().min(0).max(64),
    muted: z.boolean(),
    missedCalls: z.number().int().min(0).max(1_000_000),
    /** The caller of the most recent missed call, for the missed-call notification. */
    lastMissed: z
      .object({
        callId: z.string().min(1).max(MAX_TEXT),
        displayName: z.string().max(MAX_TEXT),
        number: z.string().max(MAX_TEXT),
      })
      .strict()
      .optional(),
    doNotDisturb: z.boolean(),
    /** Voice messages waiting in the accounts' mailboxes (RFC 3842), summed; absent when none reported. */
    voicemail: z
      .object({
        newMessages: z.number().int().min(0).max(1_000_000),
        oldMessages: z.number().int().min(0).max(1_000_000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PhoneStatus = z.infer<typeof phoneStatusSchema>;
export type RingingCall = PhoneStatus['ringing'][number];

/**
 * What the desktop (tray, notification, incoming-call window, shortcut, power events) asks the phone
 * to do. Without a call id, `answer`/`decline` act on the oldest ringing call; `decline` answers
 * 603 Decline unless it says 486 (the "Busy" button: RFC 3261 §21.4.24, §21.6.2).
 */
export type PhoneCommand =
  | { kind: 'answer'; callId?: string }
  | { kind: 'decline'; callId?: string; statusCode?: 486 | 603 }
  | { kind: 'hangup' }
  | { kind: 'toggle-mute' }
  | { kind: 'set-do-not-disturb'; on: boolean }
  | { kind: 'show'; view: 'phone' | 'history' }
  /** The machine woke up or the network came back: re-register now instead of waiting for a timer. */
  | { kind: 'system'; event: 'resume' | 'suspend' | 'online' | 'offline' }
  /** A text-message notification was clicked: show that conversation. */
  | { kind: 'open-conversation'; conversation: string }
  /**
   * The main window is closing for good (the app quits, or the window goes without a tray): end the
   * calls, withdraw status and subscriptions and unregister, waiting for the server's answers, then
   * call `phone.signedOut()`.
   */
  | { kind: 'sign-out' };

/** What the small incoming-call window (no SIP engine of its own) can ask for. */
export const incomingActionSchema = z
  .object({ callId: z.string().min(1).max(MAX_TEXT), action: z.enum(['answer', 'decline', 'busy']) })
  .strict();
export type IncomingAction = z.infer<typeof incomingActionSchema>;

/** A call recording, Opus in WebM, made in the renderer (MediaRecorder) and saved by the host. */
export const recordingSchema = z
  .object({
    fileName: z.string().regex(/^[A-Za-z0-9+._-]{1,128}\.webm$/, 'expected a plain .webm file name'),
    bytes: z
      .instanceof(Uint8Array)
      .refine((bytes) => bytes.byteLength <= MAX_RECORDING_BYTES, 'recording too large'),
  })
  .strict();
export type Recording = z.infer<typeof recordingSchema>;

/** About 9 hours of Opus at 128 kbit/s: more is a bug, not a call. */
export const MAX_RECORDING_BYTES = 512 * 1024 * 1024;

/** Where a saved recording went: a file path (desktop) or the browser's downloads. */
export interface SavedRecording {
  location: string;
}

export const logEntrySchema = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']),
    scope: z.string().max(64),
    message: z.string().max(16_384),
  })
  .strict();
export type LogEntry = z.infer<typeof logEntrySchema>;

/** SHA-256 of a certificate's DER bytes as colon-separated upper-case hex, as browsers show it. */
export const sha256FingerprintSchema = z
  .string()
  .regex(/^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/, 'expected a SHA-256 fingerprint like AB:CD:…');

/**
 * A pinned server certificate: `host` is the `host:port` of the account's WebSocket server, `sha256`
 * the exact certificate accepted there although the OS does not trust it. Any other certificate on
 * that server is refused.
 */
export const trustedCertificateSchema = z
  .object({
    host: z
      .string()
      .max(MAX_TEXT)
      .regex(/^[^\s/@]+:\d{1,5}$/, 'expected host:port'),
    sha256: sha256FingerprintSchema,
  })
  .strict();
export type TrustedCertificate = z.infer<typeof trustedCertificateSchema>;

/**
 * A server certificate the OS does not trust, refused by main for an account's WebSocket server or by
 * the gateway for its SIP-over-TLS server.
 * - `untrusted`: nothing is pinned for this server; the user may trust this certificate.
 * - `changed`: a different certificate is pinned; this one may belong to an attacker.
 */
export interface CertificateProblem {
  kind: 'untrusted' | 'changed';
  accountId: string;
  /** `host:port` of the WebSocket server; SIP over TLS: the configured host and the port connected to. */
  host: string;
  /** Fingerprint of the certificate the server presented. */
  sha256: string;
  /** For `changed`: the fingerprint the user trusted before. */
  pinnedSha256?: string;
  /**
   * SIP over TLS to a server found through DNS SRV: the SRV target's `host:port` that presented the
   * certificate (`host` stays the configured name, the one the certificate must carry).
   */
  srvTarget?: string;
  /** Chromium's reason the OS refused it, e.g. `net::ERR_CERT_AUTHORITY_INVALID`. */
  error: string;
}

/** The user trusts the certificate main reported for this account (see {@link CertificateProblem}). */
export const certificateTrustRequestSchema = z
  .object({ accountId: accountIdSchema, sha256: sha256FingerprintSchema })
  .strict();
export type CertificateTrustRequest = z.infer<typeof certificateTrustRequestSchema>;

/**
 * A text message arrived while the window was not in front: the host shows a notification whose click
 * opens the conversation (`open-conversation`). Only a preview of the text travels.
 */
export const messageNoticeSchema = z
  .object({
    conversation: z.string().min(1).max(MAX_TEXT),
    /** The contact's name, else the sender's display name or address. */
    sender: z.string().max(MAX_TEXT),
    preview: z.string().max(MAX_TEXT),
  })
  .strict();
export type MessageNotice = z.infer<typeof messageNoticeSchema>;

/** A screen or window the desktop offers for sharing into a call (Electron `desktopCapturer`). */
export interface ScreenShareSource {
  /** Electron's media source id, e.g. `screen:0:0` or `window:1234:0`. */
  id: string;
  name: string;
  kind: 'screen' | 'window';
  /** A small PNG preview as a `data:` URL; empty when the system gave none. */
  thumbnail: string;
}

export const screenShareSourceIdSchema = z
  .string()
  .regex(/^(screen|window):[0-9]+:[0-9]+$/, 'expected a screen or window source id');

/**
 * The gateway (`electron/gateway`): SIP over UDP/TCP/TLS for accounts whose server speaks no WebSocket,
 * with the calls' media bridged between Chromium's WebRTC and the far end's plain RTP/SRTP. SIP.js in
 * the renderer stays the SIP stack; its transport hands whole SIP messages to the gateway and gets
 * whole messages back. The gateway rewrites what only it can know (Via sent-by, Contact, SDP bodies),
 * and sends SIP only to the account's own server and RTP only where the far end's SDP says.
 *
 * Desktop: Electron main runs it. Browser build: a local service that `npm run web` starts on
 * 127.0.0.1, reachable only from the app's origin with a secret made at each start.
 */
export const gatewayConnectRequestSchema = z
  .object({
    accountId: accountIdSchema,
    transport: z.enum(['udp', 'tcp', 'tls']),
    /** One of the account's own servers; main refuses any other (the renderer does not choose where SIP goes). */
    server: sipServerSchema,
  })
  .strict();
export type GatewayConnectRequest = z.infer<typeof gatewayConnectRequestSchema>;

/** Where a connection attempt stopped, in terms a person can act on. */
export type GatewayConnectError =
  /** The name does not resolve (no NAPTR/SRV/A/AAAA). */
  | { kind: 'dns'; detail: string }
  /** Refused, no route, or nothing answers on that port. */
  | { kind: 'unreachable'; detail: string }
  | { kind: 'timeout'; detail: string }
  /** TLS: the server's certificate is not trusted (or differs from the one the user trusted). */
  | { kind: 'certificate'; problem: CertificateProblem }
  /** The server is not one of the account's (or the account is unknown). */
  | { kind: 'not-allowed'; detail: string }
  /** Browser build: the local gateway service cannot be reached or refused us. */
  | { kind: 'no-gateway'; detail: string };

export interface GatewayConnection {
  transport: DirectSipTransport;
  /** The server as configured, e.g. `pbx.example.com`. */
  server: string;
  /** The address actually connected to after RFC 3263 resolution, `ip:port`. */
  remote: string;
  /** Our socket's address, `ip:port`. */
  local: string;
}

export type GatewayConnectResult =
  { ok: true; connection: GatewayConnection } | { ok: false; error: GatewayConnectError };

/** A whole SIP message from SIP.js for the account's connection. */
export const gatewaySendRequestSchema = z
  .object({ accountId: accountIdSchema, message: z.string().min(1).max(65_535) })
  .strict();
export type GatewaySendRequest = z.infer<typeof gatewaySendRequestSchema>;

/** What the gateway tells the renderer. */
export type GatewayEvent =
  /** A whole SIP message from the account's server, already rewritten for SIP.js. */
  | { kind: 'message'; accountId: string; message: string }
  /** The connection was lost (not closed by us): SIP.js's transport reports a disconnect. */
  | { kind: 'closed'; accountId: string; reason: string };

export type GatewayAvailability =
  | { available: true }
  /**
   * `no-local-service`: a browser page with no gateway service (served from elsewhere, or without
   * the secret `npm run web` prints); `service-unreachable`: the service is gone or refused us.
   */
  | { available: false; reason: 'no-local-service' | 'service-unreachable'; detail?: string };

/** One way to reach a domain's SIP server, from DNS (RFC 3263 NAPTR/SRV, else A/AAAA). */
export interface SipServiceTarget {
  transport: DirectSipTransport;
  host: string;
  port: number;
  /** Where it came from: `srv` (with its priority and weight) or `address` (no SRV: 5060/5061). */
  source: 'srv' | 'address';
}

export interface SipServiceLookup {
  domain: string;
  /** In the order RFC 3263 says to try them. Empty when the name does not resolve. */
  targets: SipServiceTarget[];
  /** Why nothing was found, in words, when `targets` is empty. */
  error?: string;
}

export const domainSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'expected a domain name');

/** A WebSocket server to test before an account uses it (the first-run assistant, "Test connection"). */
export const webSocketProbeRequestSchema = z.object({ url: wssUrlSchema }).strict();
export type WebSocketProbeRequest = z.infer<typeof webSocketProbeRequestSchema>;

/** How far a WebSocket probe got: the step it stopped at and why, or `ok` (upgraded to `sip`). */
export type WebSocketProbeResult =
  | { stage: 'ok' }
  | { stage: 'dns'; detail: string }
  | { stage: 'connect'; detail: string }
  | { stage: 'tls'; detail: string; sha256?: string }
  | { stage: 'upgrade'; detail: string; httpStatus?: number };

/** A link to a provisioning file, as the user typed or opened it (main checks it is `https:`). */
export const provisioningLinkSchema = z.string().trim().min(1).max(2048);

/** Why a provisioning link gave no file, in terms the UI words. */
export type ProvisioningFetchProblem =
  | { kind: 'link-invalid' }
  | { kind: 'link-not-https' }
  | { kind: 'http-status'; status: number }
  | { kind: 'network'; detail: string }
  | { kind: 'too-large'; bytes: number };

/** The text of a provisioning file fetched from a link (read and checked by the renderer). */
export type ProvisioningFetchResult =
  { ok: true; text: string } | { ok: false; problem: ProvisioningFetchProblem };

/** The API that preload exposes as `window.ringline`. Verbs, not channels. */
export interface RinglineApi {
  accounts: {
    list(): Promise<AccountsSnapshot>;
    save(input: AccountInput): Promise<Account>;
    remove(id: string): Promise<void>;
    /** The stored password for registering, or null when none is available. */
    password(id: string): Promise<string | null>;
    /** The stored TURN credentials, by index into the account's `media.iceServers` (null: none). */
    turnCredentials(id: string): Promise<(string | null)[]>;
  };
  settings: {
    get(): Promise<SettingsSnapshot>;
    update(patch: SettingsPatch): Promise<Settings>;
  };
  phone: {
    /** Report the phone's state; main updates the tray and notifications from it. */
    reportStatus(status: PhoneStatus): Promise<void>;
    /** Subscribe to commands from the tray, notifications, shortcuts and power events. */
    onCommand(listener: (command: PhoneCommand) => void): () => void;
    /** The `sign-out` command is done: main may close the window. */
    signedOut(): Promise<void>;
  };
  links: {
    /** Subscribe to clicked links; returns an unsubscribe function. */
    onLink(listener: (request: LinkRequest) => void): () => void;
    /** The renderer is ready: main flushes links queued before the window existed. */
    rendererReady(): void;
  };
  incoming: {
    /** Only for the incoming-call window: the user pressed Answer or Decline there. */
    act(action: IncomingAction): Promise<void>;
  };
  recordings: {
    /** Saves a recording (desktop: into the recordings folder; browser: a download). */
    save(recording: Recording): Promise<SavedRecording>;
    /** Lets the user pick the recordings folder (desktop only); resolves the new settings, or null if cancelled. */
    chooseFolder(): Promise<Settings | null>;
  };
  messages: {
    /** Shows a notification for a received text (desktop: a native one; browser: a Web Notification). */
    notify(notice: MessageNotice): Promise<void>;
  };
  log: {
    /** Writes to the app log (secrets are redacted by main before anything reaches disk). */
    write(entry: LogEntry): void;
  };
  app: {
    info(): Promise<AppInfo>;
  };
  certificates: {
    /** Subscribe to server certificates main refused for an account; returns an unsubscribe function. */
    onProblem(listener: (problem: CertificateProblem) => void): () => void;
    /**
     * Pins the certificate last reported for the account's server and resolves the updated account.
     * Rejects when that certificate was not reported, and always in a browser, where the browser decides.
     */
    trust(request: CertificateTrustRequest): Promise<Account>;
  };
  gateway: {
    /** Whether direct UDP/TCP/TLS accounts can work here, and why not. */
    availability(): Promise<GatewayAvailability>;
    /** Opens (or reopens) the account's connection to one of its servers. Never rejects for network reasons. */
    connect(request: GatewayConnectRequest): Promise<GatewayConnectResult>;
    /** Sends one SIP message on the account's connection; rejects when it is not open. */
    send(request: GatewaySendRequest): Promise<void>;
    /** Closes the account's connection and ends its media sessions. */
    disconnect(accountId: string): Promise<void>;
    /** Subscribe to messages and connection loss; returns an unsubscribe function. */
    onEvent(listener: (event: GatewayEvent) => void): () => void;
    /** RFC 3263 lookup of a domain's SIP servers, for the assistant. */
    lookup(domain: string): Promise<SipServiceLookup>;
    /** Tests a WebSocket server step by step (DNS, TCP, TLS, HTTP upgrade). */
    probe(request: WebSocketProbeRequest): Promise<WebSocketProbeResult>;
  };
  provisioning: {
    /**
     * Fetches a provisioning file from an `https:` link the user opened (desktop: main, without the
     * CORS a page is held to; browser: the page). Never rejects for network reasons.
     */
    fetch(link: string): Promise<ProvisioningFetchResult>;
  };
  screenShare: {
    /**
     * The screens and windows the user may share, for our own picker; null when the host's platform
     * shows its own (a browser's `getDisplayMedia` asks the user itself).
     */
    sources(): Promise<ScreenShareSource[] | null>;
    /**
     * Picks what the next `getDisplayMedia()` captures (desktop). Only a source from the latest
     * {@link sources} list is accepted.
     */
    choose(sourceId: string): Promise<void>;
  };
}

export { IPC, type IpcChannel } from './ipc-channels';
export {
  AUDIO_CODECS,
  DEFAULT_ACCOUNT_MEDIA,
  DEFAULT_CALL_HANDLING,
  DEFAULT_PRESENCE_OPTIONS,
  DEFAULT_SETTINGS,
  IDLE_PHONE_STATUS,
  LINK_SCHEMES,
  VIDEO_CODECS,
};
