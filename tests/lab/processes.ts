/**
 * Child processes of the lab (Kamailio, rtpengine, baresip) with their output in log files and a
 * guarantee that none outlives the test run.
 *
 * Three layers of clean-up, because a test runner can die in different ways:
 * 1. {@link LabProcess.stop}: SIGTERM, then SIGKILL to the whole process group after a grace time.
 * 2. A `process.on('exit')` hook SIGKILLs every group still running when Node exits normally or via
 *    `process.exit()` (what Playwright workers do on shutdown).
 * 3. `setpriv --pdeathsig TERM` makes the kernel send SIGTERM to each server when Node itself is
 *    killed (SIGKILL, OOM), where no JavaScript runs at all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { toolEnvironment } from './run-command.js';
import { waitAtMost } from './wait.js';

/** What to start and where its output goes. */
export interface LabProcessOptions {
  /** Short name used in errors, e.g. "kamailio". */
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr are both appended here. */
  logFile: string;
  cwd?: string;
  /** Added to (or overriding) the tools' environment, e.g. a HOME of the process's own. */
  env?: Readonly<Record<string, string>>;
  /** "pipe": the process reads commands from {@link LabProcess.stdin} (a console program). */
  stdin?: 'pipe';
}

/** A running (or finished) child process of the lab. */
export interface LabProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The process's standard input when started with `stdin: 'pipe'`. */
  readonly stdin: Writable | undefined;
  /** `undefined` while running; afterwards "exit code N", "signal SIGX" or the spawn error. */
  exitStatus(): string | undefined;
  /** Resolves with the exit status when the process has exited. */
  readonly exited: Promise<string>;
  /**
   * Stops the process and everything it forked: SIGTERM to the main process (servers like Kamailio
   * stop their own workers on it), SIGKILL to the process group after `graceMs`. Never throws.
   */
  stop(graceMs?: number): Promise<void>;
}

const SETPRIV = '/usr/bin/setpriv';

/** Process groups still alive, for the exit hook. Process-wide because `exit` is process-wide. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to the process group led by `pid` (children are spawned detached: pid == pgid). */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

function groupIsAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible in an 'exit' listener, so there is no grace period here.
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

/**
 * Starts a child process in its own process group with its output in `logFile`.
 *
 * The process is detached (own group, so a stop reaches the workers Kamailio forks) and unref'ed
 * (a forgotten lab never keeps Node alive; the exit hook then kills it).
 */
export function startLabProcess(options: LabProcessOptions): LabProcess {
  installExitHook();
  const [command, args] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'TERM', '--', options.command, ...options.args]]
    : [options.command, [...options.args]];
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...toolEnvironment(), ...options.env },
      detached: true,
      stdio: [options.stdin ?? 'ignore', logFd, logFd],
    });
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(logFd);
  }
  child.unref();

  let status: string | undefined;
  const pid = child.pid ?? -1;
  if (pid > 0) liveGroups.add(pid);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => {
      status = `failed to start: ${error.message}`;
      liveGroups.delete(pid);
      resolve(status);
    });
    child.once('exit', (code, signal) => {
      status = signal !== null ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
      // Keep the group while forked workers may still be alive (stop() kills them); forget it when
      // it is empty, so a later kill cannot hit a new group that happens to reuse the number.
      if (!groupIsAlive(pid)) liveGroups.delete(pid);
      resolve(status);
    });
  });

  const stop = async (graceMs = 3000): Promise<void> => {
    if (pid <= 0) return;
    if (status === undefined) {
      try {
        // Only the main process: Kamailio's main process then stops its workers in order.
        process.kill(pid, 'SIGTERM');
      } catch {
        // Exited in the meantime.
      }
      await waitAtMost(exited, graceMs);
    }
    // Whatever is left in the group (the main process if it ignored SIGTERM, or orphaned workers).
    if (liveGroups.has(pid)) killGroup(pid, 'SIGKILL');
    await waitAtMost(exited, 1000);
    liveGroups.delete(pid);
  };

  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    stdin: child.stdin ?? undefined,
    exitStatus: () => status,
    exited,
    stop,
  };
}
