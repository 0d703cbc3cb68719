import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Configuration } from 'electron-builder';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { LINK_SCHEMES } from '../../../electron/common/contract';
import { allTrayIconFiles } from '../../../electron/main/tray-state';

const require = createRequire(import.meta.url);
// electron-builder's own schema check (internal path, app-builder-lib 26); it runs at `npm run dist`,
// which cannot run on machines without the Electron download, so the test runs it early.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
// The class that writes the Linux .desktop file (internal path, app-builder-lib 26).
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
  LinuxTargetHelper: new (packager: unknown) => {
    computeDesktopEntry(options: unknown, exec?: string, extra?: unknown): Promise<string>;
  };
};

/** What electron-builder writes as the .desktop file for this config (the bits of a packager it reads). */
async function desktopEntry(config: Configuration): Promise<string> {
  const packager = {
    config,
    platformSpecificBuildOptions: config.linux ?? {},
    fileAssociations: [],
    executableName: 'ringline',
    appInfo: { productName: 'Ringline', description: 'Ringline softphone' },
    info: { metadata: { desktopName: 'ringline.desktop' } },
  };
  return new LinuxTargetHelper(packager).computeDesktopEntry(config.linux ?? {}, '/opt/Ringline/ringline %U');
}

function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

const configUrl = new URL('../../../build/electron-builder.yml', import.meta.url);

async function config(): Promise<Configuration> {
  return load(await readFile(configUrl, 'utf8')) as Configuration;
}

describe('build/electron-builder.yml', () => {
  // Compiling electron-builder's schema is CPU-bound: ~2 s on an idle machine, 12-28 s measured at a
  // load of 13-19 on the shared 2-core machines, past vitest's 5 s default. The check itself is unchanged.
  it("matches electron-builder's schema", { timeout: 120_000 }, async () => {
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

  it('makes the Linux .desktop file claim exactly the schemes main registers at run time', async () => {
    const entry = await desktopEntry(await config());
    const mimeType = /^MimeType=(.*)$/m.exec(entry)?.[1] ?? '';
    const claimed = mimeType.split(';').filter((type) => type !== '');
    expect([...claimed].sort()).toEqual(LINK_SCHEMES.map((scheme) => `x-scheme-handler/${scheme}`).sort());
    expect(entry).toMatch(/^Exec=.* %U$/m);
  });

  it('registers exactly the link schemes on Windows through the NSIS include, and removes them again', async () => {
    const { nsis } = await config();
    expect(nsis?.include).toBe('build/installer.nsh');
    expect(nsis?.perMachine).toBe(false);
    const script = await readFile(new URL('../../../build/installer.nsh', import.meta.url), 'utf8');
    const schemes = (macro: string) =>
      [...script.matchAll(new RegExp(`!insertmacro ${macro} "([^"]+)"`, 'g'))]
        .map((match) => match[1])
        .sort();
    expect(schemes('ringlineRegisterScheme')).toEqual([...LINK_SCHEMES].sort());
    expect(schemes('ringlineUnregisterScheme')).toEqual([...LINK_SCHEMES].sort());
    expect(script).toContain('WriteRegStr HKCU "Software\\Classes\\${SCHEME}" "URL Protocol" ""');
    expect(script).toContain(
      'WriteRegStr HKCU "Software\\Classes\\${SCHEME}\\shell\\open\\command" "" \'"$INSTDIR\\${APP_EXECUTABLE_FILENAME}" "%1"\'',
    );
    expect(script).toMatch(/!macro customInstall\b/);
    expect(script).toMatch(/!macro customUnInstall\b/);
  });

  it('packages every tray icon, 16 px and 32 px, where main looks for them', async () => {
    const { extraResources } = await config();
    expect(extraResources).toEqual([{ from: 'build/icons/tray', to: 'tray', filter: ['*.png'] }]);
    for (const { file, size } of allTrayIconFiles()) {
      const png = await readFile(new URL(`../../../build/icons/tray/${file}`, import.meta.url));
      expect(isPng(png), file).toBe(true);
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).toEqual([size, size]);
    }
  });

  it('lets macOS show Answer / Decline on notifications', async () => {
    expect((await config()).mac?.extendInfo).toMatchObject({ NSUserNotificationAlertStyle: 'alert' });
  });

  it('flips the security fuses', async () => {
    expect((await config()).electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('uses only fuse names the installed electron-builder knows, so none is silently ignored', async () => {
    const scheme = require('app-builder-lib/scheme.json') as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown>; additionalProperties: boolean } };
    };
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    expect(scheme.definitions.FuseOptionsV1.additionalProperties).toBe(false);
    for (const fuse of Object.keys((await config()).electronFuses ?? {})) expect(known, fuse).toContain(fuse);
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
    expect(isPng(png)).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});
