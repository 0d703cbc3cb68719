/**
 * Debian's Chromium, as every browser test here drives it (Playwright never downloads a browser).
 * The flags keep it from reaching for the network at start-up, which this machine refuses.
 */
export const CHROMIUM_PATH = process.env.RINGLINE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
