/**
 * TURN credentials are kept like passwords: an absent or empty entry in a save means "keep the one
 * stored at this index", so the form never has to show or resend them. Entries past the servers'
 * count are dropped (a removed server takes its credential with it).
 */
export function keptCredentials<T>(
  stored: readonly (T | null)[],
  submitted: readonly (T | undefined)[] | undefined,
  servers: number,
): (T | null)[] {
  return Array.from({ length: servers }, (_, index) => submitted?.[index] || (stored[index] ?? null));
}

/** Where a TURN credential sits in the secret box: apart from the account's password. */
export function turnSecretKey(accountId: string, index: number): string {
  return `${accountId}#turn${index}`;
}
