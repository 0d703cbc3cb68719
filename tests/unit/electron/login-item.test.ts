import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autostartEntry, quoteExecArg, setLinuxAutostart } from '../../../electron/main/login-item';

describe('quoteExecArg', () => {
  it('quotes and escapes per the Desktop Entry spec', () => {
    expect(quoteExecArg('/opt/Ringline/ringline')).toBe('/opt/Ringline/ringline');
    expect(quoteExecArg('/home/me/My Apps/Ringline.AppImage')).toBe('"/home/me/My Apps/Ringline.AppImage"');
    expect(quoteExecArg('/x/$HOME/"a"`b`\\c')).toBe('"/x/\\$HOME/\\"a\\"\\`b\\`\\\\c"');
    expect(quoteExecArg('/x/100%')).toBe('/x/100%%');
  });
});

describe('setLinuxAutostart', () => {
  let home: string;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ringline-autostart-'));
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const options = () => ({
    configHome: home,
    id: 'ringline',
    name: 'Ringline',
    command: ['/opt/My Apps/ringline'],
  });

  it('writes the autostart entry, and removes it again', async () => {
    await setLinuxAutostart(options(), true);
    const file = join(home, 'autostart', 'ringline.desktop');
    expect(await readFile(file, 'utf8')).toBe(autostartEntry('Ringline', ['/opt/My Apps/ringline']));
    expect(await readFile(file, 'utf8')).toContain('Exec="/opt/My Apps/ringline"\n');
    await setLinuxAutostart(options(), false);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('removing an entry that is not there is fine', async () => {
    await expect(setLinuxAutostart(options(), false)).resolves.toBeUndefined();
  });

  it('keeps a name with a line break from adding keys', () => {
    expect(autostartEntry('Ringline\nExec=evil', ['/x'])).not.toMatch(/^Exec=evil/m);
  });
});
