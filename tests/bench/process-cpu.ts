/**
 * CPU shares for the media-bridge benches: of a process read from outside through /proc, and of the
 * floor of a Node relay on this machine (relay-floor.mjs) in a process of its own.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User and kernel CPU time a process has used so far, in seconds (proc(5): utime and stime). */
async function cpuSeconds(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    user: Number(fields[11]) / TICKS_PER_SECOND,
    system: Number(fields[12]) / TICKS_PER_SECOND,
  };
}

/** Share of one core process `pid` used over the next `ms`, in all and in the kernel (socket calls). */
export async function processCpuShare(pid: number, ms: number): Promise<{ total: number; system: number }> {
  const start = await cpuSeconds(pid);
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = await cpuSeconds(pid);
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const system = end.system - start.system;
  return {
    total: ((end.user - start.user + system) / elapsedS) * 100,
    system: (system / elapsedS) * 100,
  };
}

/**
 * The floor in this run: a bare Node relay of one call's traffic with one AES-GCM operation per packet
 * (relay-floor.mjs), its process alone, after `warmUpMs` and over `windowMs` as the call is measured.
 */
export async function relayFloorCpu(
  warmUpMs: number,
  windowMs: number,
): Promise<{ cpuPercent: number; systemPercent: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(import.meta.dirname, 'relay-floor.mjs'),
    String(warmUpMs),
    String(windowMs),
  ]);
  return JSON.parse(stdout) as { cpuPercent: number; systemPercent: number };
}
