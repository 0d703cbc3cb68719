import type { DirectSipTransport } from '../common/contract';
import type { SipMessage } from './sip-message';

/**
 * Where the gateway's signalling path meets its media bridge, and the only place they meet.
 *
 * The SIP transport (`sip-transport/`) knows nothing of media: for each message SIP.js sends it calls
 * {@link SipMediaHook.outbound} before the message goes on the wire, and for each message from the
 * server {@link SipMediaHook.inbound} before SIP.js sees it. The media side (`media-bridge/`) rewrites
 * SDP bodies there: Chromium's WebRTC SDP becomes a plain RTP/AVP (or SDES RTP/SAVP) description of the
 * bridge's own sockets on the way out, and the far end's plain SDP becomes a WebRTC description of the
 * bridge's loopback leg on the way in. The far end's media address is learnt only from inbound
 * messages, which come from the account's server: the renderer never names an RTP destination.
 *
 * Calls for one account arrive in order: the transport awaits each before handling the next in the
 * same direction.
 */
export interface SipMediaHook {
  outbound(message: SipMessage, context: SipMediaContext): Promise<SipMessage>;
  inbound(message: SipMessage, context: SipMediaContext): Promise<SipMessage>;
  /**
   * The account is going away (disconnected, removed, its renderer gone): end every media session it
   * has. Not called when only its connection is lost and reopened: one hook serves the account across
   * reconnections, as calls outlive a signalling outage.
   */
  close(): Promise<void>;
}

/** What the transport knows that the media side needs to describe its sockets. */
export interface SipMediaContext {
  accountId: string;
  transport: DirectSipTransport;
  /** The IP address of our SIP socket's interface (the one that reaches the server). */
  localAddress: string;
  /** Our address as the server saw it (Via `received`), when it told us and it differs (NAT). */
  publicAddress?: string;
}
