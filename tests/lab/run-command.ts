/** Runs short helper tools (openssl, sox, kamcmd) and reports their stderr when they fail. */
import { execFile } from 'node:child_process';

/**
 * Environment for the lab's tools: Debian installs kamailio and kamcmd in /usr/sbin, which is not
 * on a non-root user's PATH.
 */
export function toolEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/local/sbin:/usr/sbin:/sbin` };
}

/**
 * Runs `command` to completion and resolves with its stdout. Rejects with the command line and its
 * stderr on a non-zero exit or after `timeoutMs`.
 */
export function runCommand(command: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: toolEnvironment() },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve(stdout);
      },
    );
  });
}
