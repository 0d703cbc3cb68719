/**
 * The lab's voicemail system, as far as message waiting goes: it PUBLISHes a mailbox's state
 * (RFC 3842 `message-summary`, RFC 3903 PUBLISH) to Kamailio's presence server with sipsak, and the
 * server NOTIFYs the mailbox owner's subscriptions, as a PBX's voicemail would.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort } from './ports.js';
import { runCommand } from './run-command.js';
import type { LabUser } from './users.js';

/** Message counts of one mailbox (RFC 3842 §5.2: "new/old (urgent new/urgent old)"). */
export interface MailboxCounts {
  newMessages: number;
  oldMessages: number;
  urgentNew?: number;
  urgentOld?: number;
}

/** The `application/simple-message-summary` body for `counts`. */
export function messageSummaryBody(user: LabUser, counts: MailboxCounts): string {
  const waiting = counts.newMessages > 0 ? 'yes' : 'no';
  const urgent = `(${counts.urgentNew ?? 0}/${counts.urgentOld ?? 0})`;
  return [
    `Messages-Waiting: ${waiting}`,
    `Message-Account: ${user.aor}`,
    `Voice-Message: ${counts.newMessages}/${counts.oldMessages} ${urgent}`,
    '',
  ].join('\r\n');
}

/**
 * Sends one PUBLISH of `user`'s mailbox state to the proxy at `127.0.0.1:proxyUdpPort` and resolves
 * once it answered 200 (sipsak exits non-zero on any other final reply).
 */
export async function publishMailbox(
  dir: string,
  proxyUdpPort: number,
  domain: string,
  user: LabUser,
  counts: MailboxCounts,
): Promise<void> {
  const localPort = await findFreePort('udp');
  const id = randomBytes(6).toString('hex');
  const body = messageSummaryBody(user, counts);
  const request = [
    `PUBLISH ${user.aor} SIP/2.0`,
    `Via: SIP/2.0/UDP ${domain}:${localPort};branch=z9hG4bK-${id};rport`,
    `From: <sip:voicemail@${domain}>;tag=${id}`,
    `To: <${user.aor}>`,
    `Call-ID: vm-${id}@${domain}`,
    'CSeq: 1 PUBLISH',
    'Max-Forwards: 70',
    'Event: message-summary',
    'Expires: 3600',
    'Content-Type: application/simple-message-summary',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const file = join(dir, `publish-mwi-${id}.sip`);
  await writeFile(file, request);
  await runCommand('sipsak', [
    '-f',
    file,
    '-s',
    `sip:${user.user}@${domain}:${proxyUdpPort}`,
    '-l',
    String(localPort),
  ]);
}
