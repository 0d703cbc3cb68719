import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnownSecrets, REDACTED } from '../../../electron/common/log-redaction';
import { AppLog, cleanRendererMessage, cleanScope } from '../../../electron/main/logging';

describe('AppLog (electron-log writing to a real file)', () => {
  let dir: string;
  let logId = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringline-log-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function open(options: { maxBytes?: number; secrets?: KnownSecrets } = {}) {
    logId += 1;
    return new AppLog({
      file: join(dir, 'main.log'),
      secrets: options.secrets ?? new KnownSecrets(),
      consoleLevel: false,
      logId: `test-${logId}`,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    });
  }

  it('writes main and renderer entries with their scopes, redacted before they reach the disk', async () => {
    const secrets = new KnownSecrets();
    const log = open({ secrets });
    secrets.add('correct horse');
    log.scope('tray').info('tray ready');
    log
      .scope('sip')
      .warn('sent\r\nAuthorization: Digest username="1001", response="0123456789abcdef0123"\r\n');
    log.write({ level: 'error', scope: 'sip/ua', message: 'password=correct horse failed' });
    log.write({ level: 'info', scope: 'ui', message: 'user typed correct horse' });
    const text = await readFile(join(dir, 'main.log'), 'utf8');
    expect(log.path).toBe(join(dir, 'main.log'));
    expect(text).toMatch(/\[info\]\s+\(tray\)\s+tray ready/);
    // The `password=` rule stops at the space; "horse" alone is not a known secret.
    expect(text).toMatch(/\[error\] \(renderer:sip\/ua\) password=\[REDACTED\] horse failed/);
    expect(text).toContain(`Authorization: ${REDACTED}`);
    expect(text).toContain(`user typed ${REDACTED}`);
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('0123456789abcdef0123');
  });

  it('does not write debug entries by default', async () => {
    const log = open();
    log.write({ level: 'debug', scope: 'sip', message: 'chatty' });
    log.write({ level: 'info', scope: 'sip', message: 'kept' });
    const text = await readFile(join(dir, 'main.log'), 'utf8');
    expect(text).not.toContain('chatty');
    expect(text).toContain('kept');
  });

  it('writes debug entries, redacted, once the log level setting is debug, and stops again after', async () => {
    const secrets = new KnownSecrets();
    secrets.add('s3cret-pass');
    const log = open({ secrets });
    log.setFileLevel('debug');
    log.write({
      level: 'debug',
      scope: 'sip',
      message:
        'sip.Transport: Sending WebSocket message:\r\nREGISTER sip:x SIP/2.0\r\nAuthorization: Digest response="abcdef0123456789abcd"\r\n',
    });
    log.write({ level: 'debug', scope: 'sip', message: 'typed s3cret-pass' });
    log.setFileLevel('warn');
    log.write({ level: 'debug', scope: 'sip', message: 'after' });
    const text = await readFile(join(dir, 'main.log'), 'utf8');
    expect(text).toContain('REGISTER sip:x SIP/2.0');
    expect(text).toContain(`Authorization: ${REDACTED}`);
    expect(text).toContain(`typed ${REDACTED}`);
    expect(text).not.toMatch(/abcdef0123456789abcd|s3cret-pass|after/);
  });

  it('rotates: past the size limit the file moves to main.old.log and a new one starts', async () => {
    const log = open({ maxBytes: 2_000 });
    for (let n = 0; n < 40; n += 1) log.scope('main').info(`line ${n} ${'x'.repeat(80)}`);
    expect((await readdir(dir)).sort()).toEqual(['main.log', 'main.old.log']);
    const current = await readFile(join(dir, 'main.log'), 'utf8');
    expect(current.length).toBeLessThanOrEqual(2_000 + 200);
    expect(current).toContain('line 39');
  });
});

describe('cleanScope / cleanRendererMessage', () => {
  it('keeps scope names short and plain', () => {
    expect(cleanScope('sip/ua')).toBe('sip/ua');
    expect(cleanScope('a b\nc')).toBe('a_b_c');
    expect(cleanScope('')).toBe('unknown');
    expect(cleanScope('x'.repeat(100))).toHaveLength(64);
  });

  it('indents continuation lines so a message cannot forge new entries', () => {
    const forged = 'ok\r\n[2026-11-25 06:00:00.000] [info] (main) forged\u0007';
    expect(cleanRendererMessage(forged)).toBe('ok\n    [2026-11-25 06:00:00.000] [info] (main) forged');
  });
});
