/**
 * A "legacy" desk phone: baresip with a plain UDP account and plain RTP (G.711), no WebRTC. It is
 * driven over ctrl_tcp, sends a tone instead of a microphone and records what it receives, so a
 * test can prove that the app's audio really arrived. Started with `video: true` it is a video phone
 * as well (VP8, a fake camera), which can show what it decoded of the app's video.
 */
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { measureWav, type AudioMeasurement } from './audio.js';
import { connectBaresipControl, type BaresipEvent } from './baresip-control.js';
import { waitForOwnContact, type DeskPhone, type DeskPhoneOptions } from './desk-phone.js';
import { digitsFromEvents } from './dtmf-events.js';
import type { RgbaPicture } from './picture-summary.js';
import { findFreePort, findFreeUdpPortRange, findPortFreeForTcpAndUdp } from './ports.js';
import { startLabProcess, type LabProcess } from './processes.js';
import { renderTemplate } from './templates.js';
import { waitFor } from './wait.js';

export type { BaresipEvent } from './baresip-control.js';

/** How a legacy phone treats incoming calls. */
export type AnswerMode = 'auto' | 'manual';

/** How long a desk phone's registration lasts (baresip `regint`); it refreshes before the end. */
export const REGISTRATION_INTERVAL_SECONDS = 300;

/** A running baresip instance registered as one lab user. */
export interface LegacyPhone extends DeskPhone {
  process: LabProcess;
  /**
   * Digits this phone received in its latest call (RFC 4733 telephone-events or SIP INFO), in
   * order, from the CALL_DTMF_START events since the last CALL_ESTABLISHED (see dtmf-events.ts).
   */
  receivedDigits(): string;
  /**
   * Resolves with the oldest not yet consumed ctrl_tcp event of `type` ("CALL_INCOMING",
   * "CALL_RINGING", "CALL_ESTABLISHED", "CALL_CLOSED", ...), including events that arrived before
   * this call, and consumes it.
   */
  waitForEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** Every ctrl_tcp event so far, oldest first. */
  events(): readonly BaresipEvent[];
  /**
   * Forgets events nobody waited for, so a later `waitForEvent` cannot be satisfied by an earlier
   * call's event (useful when one lab serves several tests).
   */
  clearEvents(): void;
  /** {@link DeskPhone.receivedAudio}; works during the call as well as after it. */
  receivedAudio(fromSecond?: number, toSecond?: number): Promise<AudioMeasurement>;
  /**
   * Resolves once a call this phone starts would be recorded in a file of its own. baresip's sndfile
   * names a recording by the second its call's audio started, so a second call started in the same
   * second (a transfer right after the first call was answered) writes into the first one's file, and
   * neither call's recording can be read. Call it before making the phone start another call while one
   * is up.
   */
  nextRecordingApart(): Promise<void>;
  /** What the current call's video stream did so far (a video phone only; see {@link VideoStreamStatus}). */
  videoStatus(): Promise<VideoStreamStatus>;
  /**
   * The next received video frame baresip decodes, as it decoded it (saved by its snapshot filter).
   * A video phone only; rejects when no frame is decoded within `timeoutMs` (default 10 s).
   */
  receivedVideoFrame(timeoutMs?: number): Promise<RgbaPicture>;
  /** {@link DeskPhone.stop}: SIGTERM, SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/**
 * baresip's own account of the current call's video (its `video_debug` command): the decoder and
 * the frames it decoded and handed to the display, and the frames its source gave the encoder.
 */
export interface VideoStreamStatus {
  /** Codec of the receiving side, e.g. "VP8"; "none" before a decoder is set. */
  decoder: string;
  /** Frames decoded and displayed (baresip's `disp_frames`). */
  framesDecoded: number;
  /** Size of the last decoded frame, e.g. "640 x 480" ("0 x 0" before the first). */
  decodedSize: string;
  /** Codec of the sending side, e.g. "VP8". */
  encoder: string;
  /** Frames the video source delivered to the encoder. */
  framesSent: number;
}

/** Where a legacy phone runs and how it reaches the registrar. */
export interface LegacyPhoneOptions extends DeskPhoneOptions {
  /** The instance's own folder: config, accounts, recordings. */
  dir: string;
  logFile: string;
  answerMode: AnswerMode;
  /**
   * No registrar and no outbound proxy: the phone is reached at its own SIP port and calls whatever
   * host a URI names, as a desk phone on a LAN does (the media bridge's tests talk to it directly).
   */
  direct?: boolean;
  /** baresip's `mediaenc`: SDES-SRTP best effort (`srtp`, RTP/AVP) or mandatory (`srtp-mand`, RTP/SAVP). */
  mediaEncryption?: 'srtp' | 'srtp-mand';
  /**
   * A video phone: VP8 with a fake camera (three vertical bars: red, green, blue), which offers and
   * answers video beside audio (baresip-video.conf). Without it the phone has no video codec at all.
   */
  video?: boolean;
}

/** RTP ports per phone: 2 per call (RTP + RTCP), for up to call_max_calls calls and some spare. */
const RTP_PORT_COUNT = 20;

/**
 * Reads baresip's `video_debug` text. Its lines (baresip 1.0, src/video.c):
 * ` tx: encode: VP8 yuv420p` / `     source: fakevideo 320 x 240, fps=10.00 frames=52` /
 * ` rx: decode: VP8 yuv420p` / `     vidisp: fakevideo 640 x 480 frames=47`.
 */
export function parseVideoDebug(text: string): VideoStreamStatus {
  const field = (pattern: RegExp): string | undefined => pattern.exec(text)?.[1];
  return {
    encoder: field(/tx: encode: (\S+)/) ?? 'none',
    framesSent: Number(field(/source: .*frames=(\d+)/) ?? 0),
    decoder: field(/rx: decode: (\S+)/) ?? 'none',
    decodedSize: field(/vidisp: \S+ (\d+ x \d+)/) ?? '0 x 0',
    framesDecoded: Number(field(/vidisp: .*frames=(\d+)/) ?? 0),
  };
}

/**
 * Latest `dump-<YYYY-MM-DD-hh-mm-ss>-dec.wav` in `dir`: the sndfile module names recordings by the
 * call's start time, so the names sort chronologically.
 */
async function latestReceivedRecording(dir: string): Promise<string | undefined> {
  const names = (await readdir(dir)).filter((name) => name.startsWith('dump-') && name.endsWith('-dec.wav'));
  const latest = names.sort().at(-1);
  return latest === undefined ? undefined : join(dir, latest);
}

/** When the second a recording's name gives ends, in ms since the epoch (baresip names it in local time). */
function recordingSecondEnd(path: string): number | undefined {
  const parts = /dump-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-dec\.wav$/
    .exec(path)
    ?.slice(1)
    .map(Number);
  if (!parts || parts.length !== 6) return undefined;
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = parts;
  return new Date(year, month - 1, day, hour, minute, second).getTime() + 1000;
}

/**
 * Starts baresip registered as `options.user` over UDP and resolves once the registrar holds this
 * instance's contact and ctrl_tcp is connected.
 */
export async function startLegacyPhone(options: LegacyPhoneOptions): Promise<LegacyPhone> {
  const { user } = options;
  const recordingsDir = join(options.dir, 'recordings');
  await mkdir(recordingsDir, { recursive: true });
  const [sipPort, controlPort, rtpPorts] = await Promise.all([
    findPortFreeForTcpAndUdp(undefined, { tlsOnNext: true }),
    findFreePort('tcp'),
    findFreeUdpPortRange(RTP_PORT_COUNT),
  ]);
  await renderTemplate(
    'baresip.conf',
    {
      SIP_PORT: sipPort,
      TONE_FILE: options.toneFile,
      RECORDINGS_DIR: recordingsDir,
      RTP_PORT_MIN: rtpPorts.min,
      RTP_PORT_MAX: rtpPorts.max,
      CONTROL_PORT: controlPort,
    },
    join(options.dir, 'config'),
  );
  if (options.video) {
    const videoConfig = join(options.dir, 'video.conf');
    await renderTemplate('baresip-video.conf', {}, videoConfig);
    await appendFile(join(options.dir, 'config'), `\n${await readFile(videoConfig, 'utf8')}`);
  }
  // The display name goes into From, so the called party sees "Legacy Desk" rather than "1010".
  const outbound = `sip:${options.proxy.host}:${options.proxy.udpPort};transport=udp`;
  const account =
    `"${user.displayName}" <${user.aor}>;auth_pass=${user.password};answermode=${options.answerMode}` +
    (options.direct
      ? ';regint=0;audio_codecs=PCMU,PCMA'
      : `;regint=${REGISTRATION_INTERVAL_SECONDS};audio_codecs=PCMU,PCMA;outbound="${outbound}"`) +
    (options.mediaEncryption ? `;mediaenc=${options.mediaEncryption}` : '') +
    (options.video ? ';video_codecs=VP8' : '');
  await writeFile(join(options.dir, 'accounts'), `${account}\n`);
  await writeFile(join(options.dir, 'contacts'), '');

  const name = `baresip ${user.user}`;
  const phone = startLabProcess({
    name,
    command: 'baresip',
    args: ['-f', options.dir],
    logFile: options.logFile,
    cwd: options.dir,
  });
  const abortReason = () => {
    const status = phone.exitStatus();
    return status === undefined ? undefined : `${name} exited (${status}); see ${options.logFile}`;
  };

  let stopped: Promise<void> | undefined;
  try {
    const control = await connectBaresipControl(controlPort, { timeoutMs: 10_000, abortReason, name });
    if (!options.direct) await waitForOwnContact(options, sipPort, name, abortReason);

    const run = async (commandName: string, params?: string): Promise<void> => {
      await control.command(commandName, params);
    };
    const requireVideo = (what: string): void => {
      if (!options.video)
        throw new Error(`${name} is not a video phone: no ${what} (start it with video: true)`);
    };
    let snapshots = 0;

    return {
      user,
      sipPort,
      process: phone,
      dial: (uri) => run('dial', uri),
      hangup: () => run('hangup'),
      answer: () => run('accept'),
      hold: () => run('hold'),
      resume: () => run('resume'),
      receivedDigits: () => {
        const events = control.events();
        const start = events.map((event) => event.type).lastIndexOf('CALL_ESTABLISHED');
        return digitsFromEvents(events.slice(start + 1));
      },
      waitForEvent: (type, timeoutMs) => control.waitForEvent(type, timeoutMs),
      events: () => control.events(),
      clearEvents: () => control.clearEvents(),
      receivedAudio: async (fromSecond = 0, toSecond = Infinity) => {
        const recording = await latestReceivedRecording(recordingsDir);
        if (!recording)
          throw new Error(`${name} has no recording of received audio (no call with media yet?)`);
        return measureWav(await readFile(recording), fromSecond, toSecond);
      },
      nextRecordingApart: async () => {
        const latest = await latestReceivedRecording(recordingsDir);
        const secondEnd = latest === undefined ? undefined : recordingSecondEnd(latest);
        if (secondEnd !== undefined && secondEnd > Date.now())
          await new Promise((resolve) => setTimeout(resolve, secondEnd - Date.now()));
      },
      videoStatus: async () => {
        requireVideo('video status');
        return parseVideoDebug(await control.command('video_debug'));
      },
      receivedVideoFrame: async (timeoutMs = 10_000) => {
        requireVideo('received video');
        snapshots += 1;
        // Relative to baresip's working folder: the snapshot module keeps at most 99 characters of path.
        const file = `snapshot-recv-${snapshots}.png`;
        await run('snapshot_recv', file);
        // Written by the decoder thread at its next frame: missing or half written until then.
        return waitFor(async () => PNG.sync.read(await readFile(join(options.dir, file))), {
          timeoutMs,
          intervalMs: 100,
          description: `${name} to decode a received video frame`,
          abortReason,
        });
      },
      stop: () => {
        stopped ??= (async () => {
          control.close();
          await phone.stop();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await phone.stop();
    throw error;
  }
}
