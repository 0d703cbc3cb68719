/**
 * A desk phone on another SIP stack than baresip: Linphone 5 (belle-sip + mediastreamer2), as Debian's
 * `linphone-cli` ships it, registered to the lab's Kamailio over UDP. Headless: it sends a tone file
 * as its microphone and records what it receives to a WAV file, so a test can prove audio both ways.
 *
 * Driven through linphonec's standard input. Not linphone-daemon, though its command socket is the
 * cleaner interface: the daemon has no command for liblinphone's file mode (`linphone_core_set_use_files`,
 * play and record files), and without it a phone with no sound card sends silence and records
 * nothing. Not `linphonec --pipe` either: its socket is a fixed /tmp/linphonec-<uid>, shared by every
 * instance on the machine.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { measureWav, type AudioMeasurement } from './audio.js';
import { waitForOwnContact, type DeskPhone, type DeskPhoneOptions } from './desk-phone.js';
import {
  countPrompts,
  parseLinphonecEvents,
  type LinphonecEvent,
  type LinphonecEventType,
} from './linphonec-console.js';
import { parseLoggedSipMessages, type LoggedSipMessage } from './linphone-sip-log.js';
import { findFreePort, findFreeUdpPortRange } from './ports.js';
import { startLabProcess } from './processes.js';
import { renderTemplate } from './templates.js';
import { LAB_DOMAIN } from './users.js';
import { waitAtMost, waitFor } from './wait.js';

export type { LinphonecEvent, LinphonecEventType } from './linphonec-console.js';
export type { LoggedSipMessage } from './linphone-sip-log.js';
export { headerOf } from './linphone-sip-log.js';

/** Where a Linphone phone runs and how it reaches the registrar. */
export interface LinphoneOptions extends DeskPhoneOptions {
  /** The instance's own folder: linphonerc, its HOME (history, ZRTP cache), the recording. */
  dir: string;
  /** Folder for its two logs: linphonec's console output and liblinphone's log (every SIP message). */
  logsDir: string;
}

/** A running Linphone registered as one lab user. */
export interface LinphonePhone extends DeskPhone {
  /**
   * Resolves with the oldest not yet consumed event of `type` (see linphonec-console.ts), including
   * events from before the call, and consumes it.
   */
  waitForEvent(type: LinphonecEventType, timeoutMs?: number): Promise<LinphonecEvent>;
  /** Forgets events nobody waited for, so one test's events cannot satisfy the next test's waits. */
  clearEvents(): Promise<void>;
  /** RFC 4733 digits received since the latest call was connected, in order. */
  receivedDigits(): Promise<string>;
  /**
   * {@link DeskPhone.receivedAudio}, of its latest media session. mediastreamer2 writes the WAV header
   * when the recording closes, at the call's end (or hold): until then this waits.
   */
  receivedAudio(fromSecond?: number, toSecond?: number): Promise<AudioMeasurement>;
  /** Every SIP message Linphone sent or received so far, from liblinphone's log. */
  sipMessages(): Promise<LoggedSipMessage[]>;
  /** {@link DeskPhone.stop}: "quit", then SIGTERM and SIGKILL if it hangs. */
  stop(): Promise<void>;
}

/** RTP ports: audio in the lower half, video (never used: linphonec has video off) in the upper. */
const RTP_PORT_COUNT = 20;

/**
 * Starts linphonec registered as `options.user` over UDP, switched to files for its audio, and
 * resolves once the registrar holds this instance's contact.
 */
export async function startLinphone(options: LinphoneOptions): Promise<LinphonePhone> {
  const { user } = options;
  await mkdir(options.dir, { recursive: true });
  const [sipPort, rtpPorts] = await Promise.all([findFreePort('udp'), findFreeUdpPortRange(RTP_PORT_COUNT)]);
  const half = RTP_PORT_COUNT / 2;
  const config = join(options.dir, 'linphonerc');
  await renderTemplate(
    'linphonerc',
    {
      SIP_PORT: sipPort,
      RTP_PORT_MIN: rtpPorts.min,
      RTP_PORT_MAX: rtpPorts.min + half - 1,
      VIDEO_RTP_PORT_MIN: rtpPorts.min + half,
      VIDEO_RTP_PORT_MAX: rtpPorts.max,
      PROXY_HOST: options.proxy.host,
      PROXY_PORT: options.proxy.udpPort,
      DISPLAY_NAME: user.displayName,
      AOR: user.aor,
      USER: user.user,
      PASSWORD: user.password,
      DOMAIN: LAB_DOMAIN,
      DIR: options.dir,
    },
    config,
  );
  const consoleLog = join(options.logsDir, `linphonec-${user.user}.log`);
  const coreLog = join(options.logsDir, `liblinphone-${user.user}.log`);
  const recording = join(options.dir, 'received.wav');

  const name = `linphonec ${user.user}`;
  const phone = startLabProcess({
    name,
    command: 'linphonec',
    // -d 6: belle-sip logs every SIP message in full (sipMessages()).
    args: ['-c', config, '-d', '6', '-l', coreLog],
    logFile: consoleLog,
    cwd: options.dir,
    // Its history, ZRTP cache and call databases go to this instance's folder, not the user's home.
    env: { HOME: options.dir, XDG_DATA_HOME: join(options.dir, 'data'), XDG_CONFIG_HOME: options.dir },
    stdin: 'pipe',
  });
  const input = phone.stdin;
  if (!input) throw new Error(`${name}: no standard input`);
  // A command written after linphonec exited fails with EPIPE; the exit is reported by abortReason.
  input.on('error', () => undefined);
  const abortReason = () => {
    const status = phone.exitStatus();
    return status === undefined ? undefined : `${name} exited (${status}); see ${consoleLog}`;
  };
  const output = () => readFile(consoleLog, 'utf8');

  // Events before index `forgotten` were cleared; `taken` holds the later ones waitForEvent returned.
  let forgotten = 0;
  const taken = new Set<number>();

  // Commands run one at a time: each is done when linphonec prints its next prompt.
  let queue: Promise<unknown> = Promise.resolve();
  const run = (command: string): Promise<void> => {
    const done = queue.then(async () => {
      const before = countPrompts(await output());
      input.write(`${command}\n`);
      await waitFor(async () => (countPrompts(await output()) > before ? true : undefined), {
        timeoutMs: 5_000,
        description: `${name} to run "${command}"`,
        abortReason,
      });
    });
    queue = done.catch(() => undefined);
    return done;
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      // "quit" unregisters first and waits for the registrar's answer (or gives up after a while).
      if (phone.exitStatus() === undefined) input.write('quit\n');
      await waitAtMost(phone.exited, 3_000);
      await phone.stop();
    })();
    return stopped;
  };

  try {
    await waitFor(async () => (countPrompts(await output()) > 0 ? true : undefined), {
      timeoutMs: 10_000,
      description: `${name} to start`,
      abortReason,
    });
    await run('soundcard use files');
    await run(`play ${options.toneFile}`);
    await run(`record ${recording}`);
    await waitForOwnContact(options, sipPort, name, abortReason);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    user,
    sipPort,
    dial: async (uri) => {
      // A fresh recording per call: an old one must not pass for this call's audio.
      await rm(recording, { force: true });
      await run(`call ${uri}`);
    },
    answer: async () => {
      await rm(recording, { force: true });
      await run('answer');
    },
    hangup: () => run('terminate'),
    hold: () => run('pause'),
    resume: () => run('resume'),
    waitForEvent: (type, timeoutMs = 10_000) =>
      waitFor(
        async () => {
          const events = parseLinphonecEvents(await output());
          const index = events.findIndex(
            (event, at) => at >= forgotten && !taken.has(at) && event.type === type,
          );
          if (index === -1) return undefined;
          taken.add(index);
          return events[index];
        },
        { timeoutMs, intervalMs: 50, description: `${name} to report "${type}"`, abortReason },
      ),
    clearEvents: async () => {
      forgotten = Math.max(forgotten, parseLinphonecEvents(await output()).length);
    },
    receivedDigits: async () => {
      const events = parseLinphonecEvents(await output());
      const start = events.map((event) => event.type).lastIndexOf('connected');
      return events
        .slice(start + 1)
        .filter((event) => event.type === 'dtmf')
        .map((event) => event.detail ?? '')
        .join('');
    },
    receivedAudio: async (fromSecond = 0, toSecond = Infinity) => {
      const wav = await waitFor(
        async () => {
          const bytes = await readFile(recording);
          return bytes.toString('latin1', 0, 4) === 'RIFF' ? bytes : undefined;
        },
        { timeoutMs: 5_000, description: `${name}'s recording ${recording} to be closed` },
      );
      return measureWav(wav, fromSecond, toSecond);
    },
    sipMessages: async () => parseLoggedSipMessages(await readFile(coreLog, 'utf8')),
    stop,
  };
}
