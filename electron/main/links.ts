/**
 * Link intake in main: which command-line arguments are links, the country numbers are read in, and
 * how to register Ringline as the OS handler for the link schemes. Parsing itself is the shared
 * `common/links.ts`. No Electron import: `index.ts` passes `app`'s values in.
 */
import { resolve } from 'node:path';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { LINK_SCHEMES, type Account, type LinkScheme, type Settings } from '../common/contract';
import type { ParseLinkOptions } from '../common/links';

const LINK_ARG = new RegExp(`^(?:${LINK_SCHEMES.join('|')}):`, 'i');

/**
 * The argv entries that are links, in order. argv also holds the executable, Chromium switches and (in
 * development) the app path; the OS only ever passes links of the schemes we registered, so only
 * those are picked. Their content is not judged here: a bad or over-long one is parsed, rejected and
 * reported to the user like any other.
 */
export function pickLinkArgs(argv: readonly string[]): string[] {
  return argv.filter((arg) => LINK_ARG.test(arg));
}

/** The first account's default country, when it is one libphonenumber-js knows. */
export function linkCountry(accounts: readonly Pick<Account, 'defaultCountry'>[]): CountryCode | undefined {
  const country = accounts[0]?.defaultCountry;
  return country !== undefined && isSupportedCountry(country) ? country : undefined;
}

export function linkParseOptions(
  settings: Pick<Settings, 'linkSchemes'>,
  accounts: readonly Pick<Account, 'defaultCountry'>[],
): ParseLinkOptions {
  const defaultCountry = linkCountry(accounts);
  return {
    enabledSchemes: settings.linkSchemes,
    ...(defaultCountry === undefined ? {} : { defaultCountry }),
  };
}

/** The `app` calls {@link ProtocolRegistrar} makes. */
export interface ProtocolClientApi {
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  removeAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
}

/**
 * Extra arguments for `setAsDefaultProtocolClient`. A packaged app registers itself as is. In
 * development (`process.defaultApp`: the generic Electron binary runs our script) the OS must start
 * Electron *with our script*, or it opens Electron's default app; Electron's docs say to pass
 * `process.execPath` and the resolved script path.
 */
export function protocolClientArgs(process: {
  defaultApp: boolean;
  execPath: string;
  argv: readonly string[];
}): [] | [string, string[]] {
  const script = process.argv[1];
  if (!process.defaultApp || script === undefined) return [];
  return [process.execPath, [resolve(script)]];
}

/**
 * Registers Ringline for the enabled link schemes and unregisters it for the disabled ones, only
 * touching schemes whose setting changed since the last call (the first call touches all).
 * Windows writes `HKCU\Software\Classes\<scheme>`, macOS updates Launch Services, Linux runs
 * `xdg-mime default` with our `.desktop` file. The OS may keep another app as the default (Windows 10+
 * asks the user); the return value is only logged.
 */
export class ProtocolRegistrar {
  readonly #api: ProtocolClientApi;
  readonly #args: [] | [string, string[]];
  readonly #warn: (message: string) => void;
  #applied: Partial<Record<LinkScheme, boolean>> = {};

  constructor(api: ProtocolClientApi, args: [] | [string, string[]], warn: (message: string) => void) {
    this.#api = api;
    this.#args = args;
    this.#warn = warn;
  }

  apply(enabled: Readonly<Record<LinkScheme, boolean>>): void {
    for (const scheme of LINK_SCHEMES) {
      const on = enabled[scheme];
      if (this.#applied[scheme] === on) continue;
      this.#applied[scheme] = on;
      const done = on ? this.#register(scheme) : this.#unregister(scheme);
      if (!done) this.#warn(`could not ${on ? 'register as' : 'unregister as'} the ${scheme}: handler`);
    }
  }

  // Called with exactly the arguments given: Electron's native side does not read `undefined` as absent.
  #register(scheme: LinkScheme): boolean {
    const [path, args] = this.#args;
    // Registering tel:/sip:/sips:/callto: is the product's purpose; every link is parsed and refused
    // or confirmed by the user before anything is dialled (common/links.ts, settings.askBeforeDialingLink).
    return path === undefined
      ? this.#api.setAsDefaultProtocolClient(scheme) // eng-disable PROTOCOL_HANDLER_JS_CHECK
      : this.#api.setAsDefaultProtocolClient(scheme, path, args); // eng-disable PROTOCOL_HANDLER_JS_CHECK
  }

  #unregister(scheme: LinkScheme): boolean {
    const [path, args] = this.#args;
    return path === undefined
      ? this.#api.removeAsDefaultProtocolClient(scheme)
      : this.#api.removeAsDefaultProtocolClient(scheme, path, args);
  }
}
