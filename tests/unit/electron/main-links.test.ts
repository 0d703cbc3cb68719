import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, LINK_SCHEMES, type LinkScheme } from '../../../electron/common/contract';
import {
  ProtocolRegistrar,
  linkCountry,
  linkParseOptions,
  pickLinkArgs,
  protocolClientArgs,
  type ProtocolClientApi,
} from '../../../electron/main/links';

describe('pickLinkArgs', () => {
  it('keeps entries of our schemes from argv, in order, whatever their content', () => {
    const argv = [
      '/opt/Ringline/ringline',
      '--no-sandbox',
      '--original-process-start-time=1234',
      'tel:+15550123',
      '.',
      'SIP:alice@example.com',
      'sips:bob@example.com',
      'callto:carol',
      `tel:${'1'.repeat(600)}`,
      'https://example.com/tel:+1',
      'mailto:x@example.com',
      'telnet:host',
      'javascript:alert(1)',
    ];
    expect(pickLinkArgs(argv)).toEqual([
      'tel:+15550123',
      'SIP:alice@example.com',
      'sips:bob@example.com',
      'callto:carol',
      `tel:${'1'.repeat(600)}`,
    ]);
  });
});

describe('linkCountry / linkParseOptions', () => {
  it("uses the first account's country when libphonenumber knows it", () => {
    expect(linkCountry([{ defaultCountry: 'CN' }, { defaultCountry: 'US' }])).toBe('CN');
    expect(linkCountry([{ defaultCountry: '' }, { defaultCountry: 'US' }])).toBeUndefined();
    expect(linkCountry([{ defaultCountry: 'XX' }])).toBeUndefined();
    expect(linkCountry([{}])).toBeUndefined();
    expect(linkCountry([])).toBeUndefined();
  });

  it('takes the enabled schemes from the settings', () => {
    const settings = { linkSchemes: { ...DEFAULT_SETTINGS.linkSchemes, callto: false } };
    expect(linkParseOptions(settings, [{ defaultCountry: 'GB' }])).toEqual({
      enabledSchemes: { tel: true, sip: true, sips: true, callto: false },
      defaultCountry: 'GB',
    });
    expect(linkParseOptions(settings, [])).not.toHaveProperty('defaultCountry');
  });
});

describe('protocolClientArgs', () => {
  it('registers a packaged app as it is', () => {
    expect(
      protocolClientArgs({
        defaultApp: false,
        execPath: '/opt/Ringline/ringline',
        argv: ['/opt/Ringline/ringline'],
      }),
    ).toEqual([]);
  });

  it('registers Electron plus our script in development', () => {
    expect(
      protocolClientArgs({
        defaultApp: true,
        execPath: '/x/electron',
        argv: ['/x/electron', 'out/main/index.js'],
      }),
    ).toEqual(['/x/electron', [resolve('out/main/index.js')]]);
    expect(protocolClientArgs({ defaultApp: true, execPath: '/x/electron', argv: ['/x/electron'] })).toEqual(
      [],
    );
  });
});

describe('ProtocolRegistrar', () => {
  function recorder(result = true) {
    const calls: string[] = [];
    const api: ProtocolClientApi = {
      setAsDefaultProtocolClient: (...args) => {
        calls.push(`set ${JSON.stringify(args)}`);
        return result;
      },
      removeAsDefaultProtocolClient: (...args) => {
        calls.push(`remove ${JSON.stringify(args)}`);
        return result;
      },
    };
    return { api, calls };
  }

  const all = (on: boolean): Record<LinkScheme, boolean> =>
    Object.fromEntries(LINK_SCHEMES.map((scheme) => [scheme, on])) as Record<LinkScheme, boolean>;

  it('registers every enabled scheme at start, then only what changed', () => {
    const { api, calls } = recorder();
    const registrar = new ProtocolRegistrar(api, [], () => undefined);
    registrar.apply(all(true));
    expect(calls).toEqual(['set ["tel"]', 'set ["sip"]', 'set ["sips"]', 'set ["callto"]']);
    calls.length = 0;
    registrar.apply(all(true));
    expect(calls).toEqual([]);
    registrar.apply({ ...all(true), callto: false });
    expect(calls).toEqual(['remove ["callto"]']);
  });

  it('passes the development executable and script, and logs what the OS refused', () => {
    const { api, calls } = recorder(false);
    const warnings: string[] = [];
    const registrar = new ProtocolRegistrar(api, ['/x/electron', ['/p/out/main/index.js']], (m) =>
      warnings.push(m),
    );
    registrar.apply({ ...all(false), tel: true });
    expect(calls[0]).toBe('set ["tel","/x/electron",["/p/out/main/index.js"]]');
    expect(calls[1]).toBe('remove ["sip","/x/electron",["/p/out/main/index.js"]]');
    expect(warnings[0]).toBe('could not register as the tel: handler');
    expect(warnings).toHaveLength(4);
  });
});
