import { describe, expect, it, vi } from 'vitest';
import { certificateErrorListener } from '../../../electron/main/certificate-errors';

describe('certificate-error listener', () => {
  const certificate = { data: '-----BEGIN CERTIFICATE-----\n...' };

  it("asks for a decision only for the main window's page, and always takes the decision from Electron", () => {
    const decide = vi.fn(() => true);
    const listener = certificateErrorListener({ phoneContentsId: () => 7, decide });
    const preventDefault = vi.fn();
    const callback = vi.fn();
    listener(
      { preventDefault },
      { id: 7 },
      'wss://pbx:8089/ws',
      'net::ERR_CERT_AUTHORITY_INVALID',
      certificate,
      callback,
    );
    expect(preventDefault).toHaveBeenCalled();
    expect(decide).toHaveBeenCalledWith({
      url: 'wss://pbx:8089/ws',
      pem: certificate.data,
      error: 'net::ERR_CERT_AUTHORITY_INVALID',
    });
    expect(callback).toHaveBeenCalledWith(true);
  });

  it('refuses for any other page, and when there is no main window', () => {
    const decide = vi.fn(() => true);
    const callback = vi.fn();
    certificateErrorListener({ phoneContentsId: () => 7, decide })(
      { preventDefault: vi.fn() },
      { id: 8 },
      'wss://x',
      'e',
      certificate,
      callback,
    );
    certificateErrorListener({ phoneContentsId: () => undefined, decide })(
      { preventDefault: vi.fn() },
      { id: 8 },
      'wss://x',
      'e',
      certificate,
      callback,
    );
    expect(callback.mock.calls).toEqual([[false], [false]]);
    expect(decide).not.toHaveBeenCalled();
  });

  it('refuses what the trust rules refuse', () => {
    const callback = vi.fn();
    certificateErrorListener({ phoneContentsId: () => 7, decide: () => false })(
      { preventDefault: vi.fn() },
      { id: 7 },
      'wss://x',
      'e',
      certificate,
      callback,
    );
    expect(callback).toHaveBeenCalledWith(false);
  });
});
