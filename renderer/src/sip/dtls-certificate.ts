/**
 * The DTLS certificate our calls' peer connections use, made once ahead of the calls.
 *
 * Without one in its configuration, every RTCPeerConnection generates a key pair of its own, and its
 * first createOffer or createAnswer waits for that (measured here: a large part of the offer's time
 * on a busy machine). One certificate made when the account is set up serves every call of this run
 * of the app. The far end sees the same DTLS fingerprint on our calls until the app restarts or the
 * certificate is renewed; it already knows the calls are ours from the SIP account.
 *
 * ECDSA P-256, as Chromium makes by default (WebRTC 1.0 §4.9, RFC 8827 §6.5).
 */

/** Renewed when it has less than this left (a certificate lasts 30 days by default). */
const RENEW_BEFORE_EXPIRY_MS = 24 * 60 * 60 * 1000;

let ready: RTCCertificate | undefined;
let making: Promise<void> | undefined;

function usable(certificate: RTCCertificate | undefined): certificate is RTCCertificate {
  return certificate !== undefined && certificate.expires - Date.now() > RENEW_BEFORE_EXPIRY_MS;
}

/** Makes the certificate if there is none or it is about to expire; idempotent while one is made. */
export function prepareDtlsCertificate(): void {
  if (usable(ready) || making) return;
  making = RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams)
    .then((certificate) => {
      ready = certificate;
    })
    // The peer connection then makes its own, as without this module.
    .catch(() => undefined)
    .finally(() => {
      making = undefined;
    });
}

/** The certificate for a new peer connection, once made and while not about to expire. */
export function dtlsCertificate(): RTCCertificate | undefined {
  prepareDtlsCertificate();
  return usable(ready) ? ready : undefined;
}
