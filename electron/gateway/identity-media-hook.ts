import type { SipMediaHook } from './sip-media-hook';

/**
 * A media hook that changes nothing: messages pass as they are. It stands in until the media bridge
 * (`media-bridge/`, feat/gw-media) implements {@link SipMediaHook}; registration, messages and
 * presence work through it, calls get no media (their SDP still names Chromium's WebRTC leg).
 */
export function identityMediaHook(): SipMediaHook {
  return {
    outbound: async (message) => message,
    inbound: async (message) => message,
    close: async () => undefined,
  };
}
