import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Configuration } from 'electron-builder';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// electron-builder's own schema check (internal path, app-builder-lib 26); it runs at `npm run dist`,
// which cannot run on machines without the Electron download, so the test runs it early.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const configUrl = new URL('../../../build/electron-builder.yml', import.meta.url);

async function config(): Promise<Configuration> {
  return load(await readFile(configUrl, 'utf8')) as Configuration;
}

describe('build/electron-builder.yml', () => {
  it("matches electron-builder's schema", async () => {
    await expect(validateConfiguration(await config(), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('identifies the app and ships only the build output', async () => {
    const { appId, productName, files } = await config();
    expect(appId).toBe('app.ringline.softphone');
    expect(productName).toBe('Ringline');
    expect(files).toEqual(['out/**', 'package.json']);
  });

  it('registers every dial scheme exactly once, each with a name', async () => {
    const protocols = [(await config()).protocols ?? []].flat();
    const schemes = protocols.flatMap((protocol) => protocol.schemes);
    expect([...schemes].sort()).toEqual(['callto', 'sip', 'sips', 'tel']);
    for (const protocol of protocols) expect(protocol.name).toMatch(/\S/);
  });

  it('flips the security fuses', async () => {
    expect((await config()).electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('explains microphone and camera use to macOS', async () => {
    const info: unknown = (await config()).mac?.extendInfo;
    expect(info).toMatchObject({
      NSMicrophoneUsageDescription: expect.stringMatching(/microphone/i),
      NSCameraUsageDescription: expect.stringMatching(/camera/i),
    });
  });

  it('builds AppImage and deb in the Telephony category, dmg and nsis', async () => {
    const { linux, mac, win } = await config();
    expect(linux?.target).toEqual(['AppImage', 'deb']);
    expect(linux?.category).toBe('Network;Telephony');
    expect(mac?.target).toBe('dmg');
    expect(win?.target).toBe('nsis');
  });

  it('points every platform at the 512x512 PNG icon', async () => {
    const { linux, mac, win } = await config();
    const icons = new Set([linux?.icon, mac?.icon, win?.icon]);
    expect([...icons]).toEqual(['build/icons/icon.png']);
    const png = await readFile(new URL('../../../build/icons/icon.png', import.meta.url));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
