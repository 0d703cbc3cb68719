import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Replies Kamailio relayed, read from the lab's own log lines (`RL-RPL ts=<sec.usec> status=…`), so
 * the benchmark can time 200 OK at the server without touching the lab's code.
 */
export async function replyTime(
  logsDir: string,
  callId: string,
  status: number,
): Promise<number | undefined> {
  const log = await readFile(join(logsDir, 'kamailio.log'), 'utf8');
  for (const line of log.split('\n')) {
    const match = /RL-RPL ts=([\d.]+) status=(\d+) method=INVITE .*callid=(\S+)/.exec(line);
    if (match && Number(match[2]) === status && match[3] === callId) return Number(match[1]) * 1000;
  }
  return undefined;
}
