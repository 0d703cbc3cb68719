/**
 * Where an account dials bare numbers and names. Kept apart from `dial-target.ts`, which reads
 * numbers with libphonenumber's metadata (120 kB): the SIP stack that registers an account needs
 * this much and not that (see `Softphone`).
 */
export interface DialContext {
  /** The account's SIP domain, used for bare numbers and names. */
  domain: string;
  /** ISO country used to read national numbers, e.g. `US` or `CN`; one libphonenumber does not know is ignored. */
  defaultCountry?: string;
}

/** The domain of a SIP URI such as `sip:1001@pbx.example.com`, used as the default dial domain. */
export function domainOfSipUri(uri: string): string {
  const afterAt = uri.slice(uri.lastIndexOf('@') + 1);
  return afterAt.split(/[;?]/)[0] ?? afterAt;
}
