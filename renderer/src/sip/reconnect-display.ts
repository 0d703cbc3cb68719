/** Whole seconds left until `at`, rounded up so the countdown reaches 0 only when the time has come. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** `host:port` of a WSS URL, which is what tells servers apart for the user. */
export function serverHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
