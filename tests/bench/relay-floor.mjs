/**
 * The floor of a Node relay on this machine, which the media-bridge bench prints beside the bridge:
 * one call's traffic (50 packets a second each way: 172-byte RTP one way, 188-byte SRTP with an
 * AES-128-GCM tag the other) relayed between two UDP sockets on loopback with one AES-128-GCM
 * operation per packet, a cipher built for each as SRTP with the profile werift and Chromium agree by
 * default needs, and nothing else (no ICE, DTLS, RTCP, rewriting, statistics or strict-RTP checks).
 * The bridge now asks for AES-CM, whose packets cost it less; the floor keeps GCM so that its figures
 * compare with earlier runs.
 *
 * The traffic comes from a child process, and what the relay sends goes back to that process, as the
 * bridge's packets go to Chromium and to the phone: 100 packets a second in and 100 out, the bridge's
 * count. (Until 2026-12-07 the relay sent to a socket of its own, so it also received every packet it
 * sent: 200 receives a second, and a higher floor.)
 *
 * `node relay-floor.mjs <warm-up ms> <window ms>` prints one line of JSON, `{ cpuPercent,
 * systemPercent }`: the relay process's share of one core over the window, after the warm-up. The
 * child's cost (sending and receiving the traffic) is not counted.
 */
import { fork } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

const HOST = '127.0.0.1';
const KEY = Buffer.alloc(16, 1);
const IV = Buffer.alloc(12, 2);
const HEADER = 12;
const TAG = 16;
/** Addresses given as literals need no lookup; as in the bridge's plain leg, no lookup tick. */
const literal = (host, _options, callback) => callback(null, host, 4);

function seal(packet) {
  const cipher = createCipheriv('aes-128-gcm', KEY, IV);
  cipher.setAAD(packet.subarray(0, HEADER));
  const body = cipher.update(packet.subarray(HEADER));
  return Buffer.concat([packet.subarray(0, HEADER), body, cipher.final(), cipher.getAuthTag()]);
}

function open(packet) {
  const decipher = createDecipheriv('aes-128-gcm', KEY, IV);
  decipher.setAAD(packet.subarray(0, HEADER));
  decipher.setAuthTag(packet.subarray(packet.length - TAG));
  const body = decipher.update(packet.subarray(HEADER, packet.length - TAG));
  decipher.final();
  return Buffer.concat([packet.subarray(0, HEADER), body]);
}

function bound() {
  const socket = createSocket({ type: 'udp4', lookup: literal });
  return new Promise((resolve) => socket.bind(0, HOST, () => resolve(socket)));
}

/** The two peers, in the child: sends one call's traffic to the relay and takes what it relays. */
async function peers(plainPort, securePort) {
  const socket = await bound();
  socket.on('message', () => undefined);
  process.send?.({ sinkPort: socket.address().port });
  const plain = randomBytes(172);
  plain[0] = 0x80;
  const secure = seal(plain);
  setInterval(() => socket.send(plain, plainPort, HOST), 20);
  // The two directions interleaved, as a call's are.
  await delay(7);
  setInterval(() => socket.send(secure, securePort, HOST), 20);
}

async function relay(warmUpMs, windowMs) {
  const [plainLeg, secureLeg] = await Promise.all([bound(), bound()]);
  const traffic = fork(new URL(import.meta.url).pathname, [
    'traffic',
    String(plainLeg.address().port),
    String(secureLeg.address().port),
  ]);
  const [{ sinkPort }] = await once(traffic, 'message');
  traffic.disconnect();
  plainLeg.on('message', (packet) => secureLeg.send(seal(packet), sinkPort, HOST));
  secureLeg.on('message', (packet) => plainLeg.send(open(packet), sinkPort, HOST));
  await delay(warmUpMs);
  const usage = process.cpuUsage();
  const started = process.hrtime.bigint();
  await delay(windowMs);
  const used = process.cpuUsage(usage);
  const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
  traffic.kill();
  console.log(
    JSON.stringify({
      cpuPercent: ((used.user + used.system) / elapsedUs) * 100,
      systemPercent: (used.system / elapsedUs) * 100,
    }),
  );
  process.exit(0);
}

const [mode, first, second] = process.argv.slice(2);
if (mode === 'traffic') await peers(Number(first), Number(second));
else await relay(Number(mode), Number(first));
