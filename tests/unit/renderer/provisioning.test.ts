import { describe, expect, it } from 'vitest';
import { accountInputSchema, type Account } from '@common/contract';
import { fetchProvisioningText } from '@common/provisioning-fetch';
import {
  fetchProvisioningFile,
  provisioningFile,
  provisioningFileName,
  provisioningProblemMessage,
  readProvisioningFile,
  type ProvisioningRead,
} from '../../../renderer/src/accounts/provisioning';
import {
  provisioningLinkIn,
  withoutProvisioningLink,
} from '../../../renderer/src/accounts/provisioning-link';
import { createAppI18n } from '../../../renderer/src/i18n';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

const account: Account = {
  id: 'a1',
  displayName: 'Alice',
  sipUri: 'sip:1001@pbx.example.com',
  authUser: '1001',
  wssUrl: 'wss://pbx.example.com:8089/ws',
  fallbackWssUrls: ['wss://pbx2.example.com/ws'],
  defaultCountry: 'US',
  media: {
    audioCodecs: ['PCMU', 'opus', 'G722', 'PCMA'],
    videoCodecs: ['VP8', 'H264'],
    iceServers: [{ url: 'turn:turn.example.com', username: 'alice' }],
    iceTransportPolicy: 'all',
  },
  trustedCertificate: {
    host: 'pbx.example.com:8089',
    sha256: Array.from({ length: 32 }, () => 'AB').join(':'),
  },
  connectionSuggestions: [{ transport: 'wss', url: 'wss://pbx.example.com/ws' }],
  hasPassword: true,
};

const { t } = createAppI18n('en', en).global;
const zh = createAppI18n('zh-CN', zhCN).global.t;

/** The problem a text is refused for, and the sentence the user reads (English and Chinese). */
function refusal(read: ProvisioningRead) {
  if (read.ok) throw new Error('expected the file to be refused');
  return {
    problem: read.problem,
    en: provisioningProblemMessage(read.problem, (key, values) => t(key, values)),
    zh: provisioningProblemMessage(read.problem, (key, values) => zh(key, values)),
  };
}

const file = (body: Record<string, unknown>) => JSON.stringify({ ringline: 'account', version: 1, ...body });

describe('provisioning files', () => {
  it('exports an account without its password, and imports it back as the same settings', () => {
    const text = provisioningFile(account);
    expect(text).not.toContain('password');
    expect(text).not.toContain('trustedCertificate');
    expect(text).not.toContain('connectionSuggestions');
    const read = readProvisioningFile(text);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.account).toMatchObject({
      displayName: 'Alice',
      sipUri: 'sip:1001@pbx.example.com',
      wssUrl: 'wss://pbx.example.com:8089/ws',
      fallbackWssUrls: ['wss://pbx2.example.com/ws'],
      defaultCountry: 'US',
      media: account.media,
    });
    expect(read.account.password).toBeUndefined();
    // What is read is exactly what the account form submits: main and the web host accept it.
    expect(accountInputSchema.safeParse(read.account).success).toBe(true);
    expect(provisioningFileName(account)).toBe('1001@pbx.example.com.ringline.json');
  });

  it('carries the password and TURN credentials only when asked', () => {
    const text = provisioningFile(account, { password: 'alice-secret', turnCredentials: ['turn-secret'] });
    const read = readProvisioningFile(text);
    expect(read).toMatchObject({
      ok: true,
      account: { password: 'alice-secret', turnCredentials: ['turn-secret'] },
    });
  });

  it('reads a minimal hand-written file', () => {
    const read = readProvisioningFile(
      file({ account: { sipUri: 'sip:1002@pbx.example.com', wssUrl: 'wss://pbx.example.com/ws' } }),
    );
    expect(read).toEqual({
      ok: true,
      account: {
        sipUri: 'sip:1002@pbx.example.com',
        wssUrl: 'wss://pbx.example.com/ws',
        displayName: '',
        authUser: '',
      },
    });
  });

  it('refuses what is not JSON', () => {
    const { problem, en, zh: chinese } = refusal(readProvisioningFile('{"ringline": "account", '));
    expect(problem.kind).toBe('not-json');
    expect(en).toMatch(/^This file is not valid JSON \(.+\)\.$/);
    expect(chinese).toMatch(/^此文件不是有效的 JSON/);
  });

  it('refuses JSON that is not a provisioning file', () => {
    for (const text of ['[1,2]', '"hello"', '{"account": {}}', '{"ringline": "contacts", "version": 1}']) {
      const { problem, en } = refusal(readProvisioningFile(text));
      expect(problem).toEqual({ kind: 'not-provisioning' });
      expect(en).toBe(
        'This is not a Ringline provisioning file (it should start with "ringline": "account").',
      );
    }
  });

  it('refuses another version, naming it', () => {
    const { problem, en } = refusal(
      readProvisioningFile(JSON.stringify({ ringline: 'account', version: 2, account: {} })),
    );
    expect(problem).toEqual({ kind: 'version', found: '2' });
    expect(en).toBe(
      'This provisioning file is version 2; this Ringline reads version 1. Ask for a file made for this version.',
    );
    expect(refusal(readProvisioningFile('{"ringline": "account"}')).problem).toEqual({
      kind: 'version',
      found: 'none',
    });
  });

  it('refuses unknown fields, naming the first, instead of silently dropping a setting', () => {
    const typo = refusal(
      readProvisioningFile(
        file({
          account: { sipUri: 'sip:1@pbx.example.com', wssUrl: 'wss://pbx.example.com/ws', wssURL: 'x' },
        }),
      ),
    );
    expect(typo.problem).toEqual({ kind: 'unknown-field', field: 'account.wssURL' });
    expect(typo.en).toBe(
      'The file has a field Ringline does not know: account.wssURL. Nothing was imported, so no setting is lost unnoticed.',
    );
    expect(refusal(readProvisioningFile(file({ account: {}, comment: 'hi' }))).problem).toEqual({
      kind: 'unknown-field',
      field: 'comment',
    });
  });

  it('refuses bad values, naming the field and what is wrong', () => {
    const badUri = refusal(
      readProvisioningFile(file({ account: { sipUri: 'alice', wssUrl: 'wss://pbx.example.com' } })),
    );
    expect(badUri.problem).toEqual({
      kind: 'bad-value',
      field: 'account.sipUri',
      detail: 'expected sip:user@host',
    });
    expect(badUri.en).toBe('The file has a wrong value in account.sipUri: expected sip:user@host');

    const plainWs = refusal(
      readProvisioningFile(
        file({ account: { sipUri: 'sip:1@pbx.example.com', wssUrl: 'ws://pbx.example.com' } }),
      ),
    );
    expect(plainWs.problem).toMatchObject({ kind: 'bad-value', field: 'account.wssUrl' });

    const badCodec = refusal(
      readProvisioningFile(
        file({
          account: {
            sipUri: 'sip:1@pbx.example.com',
            wssUrl: 'wss://pbx.example.com',
            media: { audioCodecs: ['speex'] },
          },
        }),
      ),
    );
    expect(badCodec.problem).toMatchObject({ kind: 'bad-value', field: 'account.media.audioCodecs.0' });
  });

  it('refuses a file that names no server for its connection', () => {
    const { problem, en } = refusal(
      readProvisioningFile(file({ account: { sipUri: 'sip:1@pbx.example.com' } })),
    );
    expect(problem).toEqual({ kind: 'no-server', transport: 'wss' });
    expect(en).toBe('The file names no server for its wss connection.');
  });

  it('refuses a file far larger than any account', () => {
    const { problem, en } = refusal(readProvisioningFile(' '.repeat(70_000)));
    expect(problem).toEqual({ kind: 'too-large', bytes: 70_000 });
    expect(en).toBe('This file is too large to be a provisioning file (70000 bytes).');
  });
});

describe('provisioning links', () => {
  const good = provisioningFile(account);
  /** The web host's way: the page's own fetch, through the shared HTTPS-only fetcher. */
  const through = (fetcher: typeof fetch) => (link: string) => fetchProvisioningText(link, fetcher);

  it('fetches an https:// link and reads it', async () => {
    const requested: string[] = [];
    const read = await fetchProvisioningFile(
      'https://admin.example.com/alice.json',
      through(async (url) => {
        requested.push(String(url));
        return new Response(good, { status: 200 });
      }),
    );
    expect(requested).toEqual(['https://admin.example.com/alice.json']);
    expect(read).toMatchObject({ ok: true, account: { sipUri: 'sip:1001@pbx.example.com' } });
  });

  it('says in words why a link gave nothing', async () => {
    const never = through(async (): Promise<Response> => {
      throw new Error('must not fetch');
    });
    const notHttps = refusal(await fetchProvisioningFile('http://admin.example.com/a.json', never));
    expect(notHttps.en).toBe(
      'Only https:// links are accepted: the file may carry a password and names the server that gets it.',
    );
    expect(refusal(await fetchProvisioningFile('not a link', never)).problem).toEqual({
      kind: 'link-invalid',
    });

    const missing = refusal(
      await fetchProvisioningFile(
        'https://admin.example.com/gone.json',
        through(async () => new Response('', { status: 404 })),
      ),
    );
    expect(missing.en).toBe('The server answered the link with HTTP 404; nothing was imported.');

    const offline = refusal(
      await fetchProvisioningFile(
        'https://admin.example.com/a.json',
        through(async () => {
          throw new TypeError('Failed to fetch');
        }),
      ),
    );
    expect(offline.problem).toEqual({ kind: 'network', detail: 'Failed to fetch' });
    expect(offline.en).toContain('does not allow Ringline to read the file (CORS)');

    const html = refusal(
      await fetchProvisioningFile(
        'https://admin.example.com/a.json',
        through(async () => new Response('<html>', { status: 200 })),
      ),
    );
    expect(html.problem.kind).toBe('not-json');

    const broken = refusal(
      await fetchProvisioningFile('https://admin.example.com/a.json', async () => {
        throw new Error('IPC refused');
      }),
    );
    expect(broken.problem).toEqual({ kind: 'network', detail: 'Error: IPC refused' });
  });

  it('comes from ?provision= in the page address, which is removed once used', () => {
    expect(provisioningLinkIn('?provision=https%3A%2F%2Fadmin.example.com%2Fa.json')).toBe(
      'https://admin.example.com/a.json',
    );
    expect(provisioningLinkIn('?dial=123')).toBeUndefined();
    expect(provisioningLinkIn('?provision=')).toBeUndefined();
    expect(
      withoutProvisioningLink('http://127.0.0.1:4173/?dial=1&provision=https%3A%2F%2Fa.example%2Fb'),
    ).toBe('http://127.0.0.1:4173/?dial=1');
  });
});
