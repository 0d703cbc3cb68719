/**
 * Whether a refused REGISTER is worth retrying later without the user doing anything.
 *
 * Timeouts (408, and SIP.js's internal 408 after Timer F), "temporarily unavailable" (480) and server
 * failures (5xx, including the 503 SIP.js makes up when the connection is gone, RFC 3261 §8.1.3.1)
 * pass. Credentials or account problems (401/407 after SIP.js already answered the challenge, 403,
 * 404, other 4xx/6xx) do not: retrying would only hammer the registrar (and may lock the account),
 * so the user is told instead.
 */
export function registrationIsRetryable(statusCode: number): boolean {
  return (
    statusCode === 0 || statusCode === 408 || statusCode === 480 || (statusCode >= 500 && statusCode < 600)
  );
}
