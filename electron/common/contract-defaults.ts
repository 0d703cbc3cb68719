/**
 * The contract's default values, in a module without zod: the renderer's first screen needs the
 * defaults (settings before any are saved, an account's media and call handling) but not the schemas,
 * and zod was a tenth of its JavaScript. With them, how a settings patch applies, which the renderer
 * does at once while its host checks and saves it. `contract.ts` re-exports them; each schema's own defaults
 * (which fill in records saved before a field existed) must give the same values, as
 * `tests/unit/electron/contract-defaults.test.ts` checks.
 */
import type {
  AccountMedia,
  CallHandling,
  PhoneStatus,
  PresenceOptions,
  Settings,
  SettingsPatch,
} from './contract';

/** Audio codecs an account can put first, in the order offered (RFC 3264 §5.1: most preferred first). */
export const AUDIO_CODECS = ['opus', 'G722', 'PCMU', 'PCMA'] as const;
export const VIDEO_CODECS = ['VP8', 'H264'] as const;

/** Link schemes Ringline can handle; each can be switched off in settings. */
export const LINK_SCHEMES = ['tel', 'sip', 'sips', 'callto'] as const;

export const DEFAULT_CALL_HANDLING: CallHandling = {
  autoAnswer: false,
  autoAnswerDelaySeconds: 0,
  allowIntercom: false,
  forward: 'off',
  forwardTarget: '',
  forwardAfterSeconds: 20,
  dtmfMode: 'rfc4733',
  recordAll: false,
};

export const DEFAULT_PRESENCE_OPTIONS: PresenceOptions = {
  watch: [],
  voicemailNumber: '',
  publishPresence: false,
};

export const DEFAULT_ACCOUNT_MEDIA: AccountMedia = {
  audioCodecs: [...AUDIO_CODECS],
  videoCodecs: [...VIDEO_CODECS],
  iceServers: [],
  iceTransportPolicy: 'all',
};

export const DEFAULT_SETTINGS: Settings = {
  language: 'system',
  askBeforeDialingLink: true,
  linkSchemes: { tel: true, sip: true, sips: true, callto: true },
  closeToTray: true,
  startMinimized: false,
  startAtLogin: false,
  doNotDisturb: false,
  doNotDisturbMode: 'reject-busy',
  recordingsFolder: '',
  media: {
    microphoneId: '',
    speakerId: '',
    ringerId: '',
    cameraId: '',
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  },
  shortcuts: {
    enabled: false,
    answer: 'CommandOrControl+Shift+A',
    hangup: 'CommandOrControl+Shift+H',
    mute: 'CommandOrControl+Shift+M',
  },
  logLevel: 'warn',
};

export const IDLE_PHONE_STATUS: PhoneStatus = {
  accounts: [],
  ringing: [],
  activeCalls: 0,
  muted: false,
  missedCalls: 0,
  doNotDisturb: false,
};

/**
 * `current` with `patch` applied, unchecked (`applySettingsPatch` in the contract checks). A key present
 * but `undefined` (structured clone keeps them, e.g. `{ language: undefined }`) changes nothing.
 */
export function withSettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const changes = Object.entries(patch).filter(([, value]) => value !== undefined);
  return { ...current, ...Object.fromEntries(changes) };
}
