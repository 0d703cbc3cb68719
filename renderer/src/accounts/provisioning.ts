import { z } from 'zod';
import {
  accountConnectionProblem,
  accountInputSchema,
  type Account,
  type AccountInput,
  type ProvisioningFetchProblem,
  type ProvisioningFetchResult,
  type RinglineApi,
} from '@common/contract';
import { MAX_PROVISIONING_BYTES } from '@common/provisioning-fetch';

export { MAX_PROVISIONING_BYTES };

/**
 * Provisioning files: one account as JSON, so an administrator can hand a user a file, or an HTTPS
 * link to one, instead of a list of settings to type.
 *
 * ```json
 * { "ringline": "account", "version": 1,
 *   "account": { "sipUri": "sip:1001@pbx.example.com", "wssUrl": "wss://pbx.example.com:8089/ws" } }
 * ```
 *
 * The account object is the account form's own input, checked by the contract's zod schema (unknown
 * fields are refused, not ignored: a typo must not silently lose a setting). The password and TURN
 * credentials travel only when the person exporting asks for them.
 */
export const PROVISIONING_KIND = 'account';
export const PROVISIONING_VERSION = 1;

const provisionedAccountSchema = accountInputSchema
  // Suggestions are what one machine found; a file handed to others names the server to use.
  .omit({ id: true, connectionSuggestions: true })
  .extend({
    // Optional in a file: an administrator writes only what differs from the defaults.
    authUser: accountInputSchema.shape.authUser.default(''),
    wssUrl: accountInputSchema.shape.wssUrl.default(''),
    displayName: accountInputSchema.shape.displayName.default(''),
  })
  .strict();

const provisioningFileSchema = z
  .object({
    ringline: z.literal(PROVISIONING_KIND),
    version: z.literal(PROVISIONING_VERSION),
    account: provisionedAccountSchema,
  })
  .strict();

/** Why a provisioning file or link was refused; each has its own message in the UI. */
export type ProvisioningProblem =
  | { kind: 'not-json'; detail: string }
  | { kind: 'not-provisioning' }
  | { kind: 'version'; found: string }
  | { kind: 'unknown-field'; field: string }
  | { kind: 'bad-value'; field: string; detail: string }
  | { kind: 'no-server'; transport: string }
  | ProvisioningFetchProblem;

/** The UI's words for a problem: `translate` is vue-i18n's `t`, keys under `provisioning.problems`. */
export function provisioningProblemMessage(
  problem: ProvisioningProblem,
  translate: (key: string, values: Record<string, unknown>) => string,
): string {
  const { kind, ...values } = problem;
  return translate(`provisioning.problems.${kind}`, values);
}

export type ProvisioningRead =
  { ok: true; account: AccountInput } | { ok: false; problem: ProvisioningProblem };

function fieldName(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(file)' : path.join('.');
}

/** Reads a provisioning file's text into the account form's input, or says what is wrong with it. */
export function readProvisioningFile(text: string): ProvisioningRead {
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_PROVISIONING_BYTES) return { ok: false, problem: { kind: 'too-large', bytes } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: { kind: 'not-json', detail: error instanceof Error ? error.message : String(error) },
    };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !('ringline' in json))
    return { ok: false, problem: { kind: 'not-provisioning' } };
  if (json.ringline !== PROVISIONING_KIND) return { ok: false, problem: { kind: 'not-provisioning' } };
  if (!('version' in json) || json.version !== PROVISIONING_VERSION)
    return {
      ok: false,
      problem: { kind: 'version', found: 'version' in json ? JSON.stringify(json.version) : 'none' },
    };
  const parsed = provisioningFileSchema.safeParse(json);
  if (!parsed.success) {
    // An unknown field is named first: it is usually a typo of the field whose value then looks missing.
    const unknown = parsed.error.issues.find((issue) => issue.code === z.ZodIssueCode.unrecognized_keys);
    if (unknown?.code === z.ZodIssueCode.unrecognized_keys)
      return {
        ok: false,
        problem: { kind: 'unknown-field', field: fieldName([...unknown.path, unknown.keys[0] ?? '']) },
      };
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: {
        kind: 'bad-value',
        field: fieldName(issue?.path ?? []),
        detail: issue?.message ?? 'invalid',
      },
    };
  }
  const account = parsed.data.account;
  if (accountConnectionProblem(account) !== null)
    return { ok: false, problem: { kind: 'no-server', transport: account.transport ?? 'wss' } };
  return { ok: true, account };
}

/**
 * The provisioning file of an account. Without `secrets` it carries no password and no TURN
 * credential; the trusted certificate stays behind too (the user trusts a certificate on each machine).
 */
export function provisioningFile(
  account: Account,
  secrets?: { password: string | null; turnCredentials: (string | null)[] },
): string {
  const fields: Omit<AccountInput, 'id'> = {
    displayName: account.displayName,
    sipUri: account.sipUri,
    authUser: account.authUser,
    ...(account.transport && account.transport !== 'wss' ? { transport: account.transport } : {}),
    wssUrl: account.wssUrl,
    ...(account.fallbackWssUrls?.length ? { fallbackWssUrls: account.fallbackWssUrls } : {}),
    ...(account.sipServer ? { sipServer: account.sipServer } : {}),
    ...(account.fallbackSipServers?.length ? { fallbackSipServers: account.fallbackSipServers } : {}),
    ...(account.outboundProxy ? { outboundProxy: account.outboundProxy } : {}),
    ...(account.realm ? { realm: account.realm } : {}),
    ...(account.defaultCountry ? { defaultCountry: account.defaultCountry } : {}),
    ...(account.callHandling ? { callHandling: account.callHandling } : {}),
    ...(account.presence ? { presence: account.presence } : {}),
    ...(account.media ? { media: account.media } : {}),
    ...(secrets?.password ? { password: secrets.password } : {}),
    ...(secrets?.turnCredentials.some((credential) => credential)
      ? // JSON has no `undefined`; an empty entry means "none" on import, as in the account form.
        { turnCredentials: secrets.turnCredentials.map((credential) => credential ?? '') }
      : {}),
  };
  const file = { ringline: PROVISIONING_KIND, version: PROVISIONING_VERSION, account: fields };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A file name for the account's provisioning file, e.g. `1001@pbx.example.com.ringline.json`. */
export function provisioningFileName(account: Pick<Account, 'sipUri'>): string {
  const address = account.sipUri.replace(/^sips?:/i, '').replace(/[^A-Za-z0-9@._-]/g, '_');
  return `${address}.ringline.json`;
}

/**
 * Fetches a provisioning file through the host (`RinglineApi['provisioning']`) and reads it. A link
 * that gives no file reports why, like a file that does not read.
 */
export async function fetchProvisioningFile(
  link: string,
  fetchText: RinglineApi['provisioning']['fetch'],
): Promise<ProvisioningRead> {
  const fetched = await fetchText(link).catch((error: unknown): ProvisioningFetchResult => ({
    ok: false,
    problem: { kind: 'network', detail: String(error) },
  }));
  return fetched.ok ? readProvisioningFile(fetched.text) : { ok: false, problem: fetched.problem };
}
