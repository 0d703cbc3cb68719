/**
 * What every desk phone of the lab does, whichever SIP stack it runs (baresip in baresip.ts, Linphone
 * in linphone.ts): registered as one lab user over UDP, it calls, answers, holds and hangs up on
 * command, sends a tone as its microphone and records what it receives.
 */
import type { AudioMeasurement } from './audio.js';
import type { LabUser } from './users.js';
import { waitFor } from './wait.js';

/** Where a desk phone runs and how it reaches the registrar (each stack's options extend this). */
export interface DeskPhoneOptions {
  user: LabUser;
  /** WAV file sent as the phone's microphone (mono 16-bit; 8 kHz suits G.711). */
  toneFile: string;
  /** Kamailio's UDP address: the account's outbound proxy (the AoR's host has no port). */
  proxy: { host: string; udpPort: number };
  /** Contacts the registrar holds for an AoR; the phone is ready once its own contact is there. */
  registeredContacts(aor: string): Promise<string[]>;
}

export interface DeskPhone {
  user: LabUser;
  /** Its SIP port on 127.0.0.1 (UDP). */
  sipPort: number;
  /** Starts a call, e.g. `dial('sip:1001@127.0.0.1')`; resolves once the phone took the command. */
  dial(uri: string): Promise<void>;
  /** Answers the ringing call. */
  answer(): Promise<void>;
  /** Ends the current call (or cancels or declines a ringing one). */
  hangup(): Promise<void>;
  /** Puts the current call on hold (re-INVITE, `a=sendonly`) / takes it off hold. */
  hold(): Promise<void>;
  resume(): Promise<void>;
  /** Measures the recording of what the phone received (decoded) in its latest call. */
  receivedAudio(fromSecond?: number, toSecond?: number): Promise<AudioMeasurement>;
  /** Unregisters and exits. Idempotent, never throws. */
  stop(): Promise<void>;
}

/**
 * Resolves once the registrar holds this phone's own contact (its SIP port on 127.0.0.1): a phone
 * is reachable only then. `abortReason` says why to stop waiting (the phone exited).
 */
export async function waitForOwnContact(
  options: DeskPhoneOptions,
  sipPort: number,
  name: string,
  abortReason: () => string | undefined,
): Promise<void> {
  const ownContact = `@127.0.0.1:${sipPort}`;
  await waitFor(
    async () =>
      (await options.registeredContacts(options.user.aor)).some((contact) => contact.includes(ownContact))
        ? true
        : undefined,
    { timeoutMs: 10_000, description: `${name} to register`, abortReason },
  );
}
