/**
 * Electron's `certificate-error` event (Chromium refused a server certificate the OS does not trust),
 * answered by {@link CertificateTrust}: never accepted by default, and only for the main window's page,
 * which runs SIP; any other page (the incoming-call window, a stray frame) gets a refusal.
 */
import type { PresentedCertificate } from './certificate-trust';

export type CertificateErrorListener = (
  event: { preventDefault(): void },
  contents: { id: number },
  url: string,
  error: string,
  certificate: { data: string },
  callback: (isTrusted: boolean) => void,
) => void;

export function certificateErrorListener(options: {
  /** The main window's `webContents.id`, if it exists. */
  phoneContentsId(): number | undefined;
  /** Whether to accept it (a certificate the user pinned for that account's server). */
  decide(presented: PresentedCertificate): boolean;
}): CertificateErrorListener {
  return (event, contents, url, error, certificate, callback) => {
    // Without preventDefault Electron refuses anyway; with it, our callback decides.
    event.preventDefault();
    const fromPhone = contents.id === options.phoneContentsId();
    callback(fromPhone && options.decide({ url, pem: certificate.data, error }));
  };
}
