import {
  Invitation,
  Inviter,
  SessionState,
  type Session,
  type SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core';
import type { SessionDescriptionHandler } from 'sip.js/lib/platform/web';
import { canTransition, type CallEnd, type CallSnapshot, type CallState } from './call-state';
import { readAudioStats, type AudioMediaStats } from './media-stats';
import { endReasonForInviteFailure } from './sip-status';

export interface CallListener {
  (snapshot: CallSnapshot): void;
}

export const AUDIO_ONLY: SessionDescriptionHandlerOptions = { constraints: { audio: true, video: false } };

/**
 * One call: owns its SIP.js session and the element that plays the far end's audio, and reports every
 * change as a fresh {@link CallSnapshot}. Transitions follow the table in `call-state.ts`; anything
 * else is a bug in the order SIP.js events arrive and is ignored rather than corrupting the state.
 */
export class Call {
  private snapshot: CallSnapshot;
  private readonly remoteAudio: HTMLAudioElement;
  private pendingEnd: CallEnd | undefined;

  private constructor(
    private readonly session: Session,
    init: Omit<CallSnapshot, 'createdAt' | 'muted'>,
    private readonly listener: CallListener,
  ) {
    this.snapshot = { ...init, createdAt: Date.now(), muted: false };
    this.remoteAudio = document.createElement('audio');
    this.remoteAudio.autoplay = true;
    session.stateChange.addListener((state) => this.onSessionState(state));
    session.delegate = {
      onBye: (bye) => {
        this.pendingEnd ??= { reason: 'remote-hangup' };
        void bye.accept();
      },
      onSessionDescriptionHandler: () => this.attachRemoteAudio(),
    };
  }

  /** Sends the INVITE. Provisional and final responses drive the state; see `onProgress`/`onReject`. */
  static dial(inviter: Inviter, accountId: string, listener: CallListener): Call {
    const call = new Call(inviter, describeRemote(inviter, accountId, 'outgoing', 'dialing'), listener);
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => call.onProgress(response),
          onReject: (response) => call.onRejected(response),
        },
      })
      .catch((error: unknown) => call.finish({ reason: 'failed', detail: String(error) }));
    return call;
  }

  static incoming(invitation: Invitation, accountId: string, listener: CallListener): Call {
    const call = new Call(
      invitation,
      describeRemote(invitation, accountId, 'incoming', 'incoming'),
      listener,
    );
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: () => {
        call.pendingEnd = { reason: 'cancelled' };
      },
    };
    return call;
  }

  get id(): string {
    return this.snapshot.id;
  }

  get state(): CallState {
    return this.snapshot.state;
  }

  current(): CallSnapshot {
    return this.snapshot;
  }

  async answer(): Promise<void> {
    if (!(this.session instanceof Invitation) || this.snapshot.state !== 'incoming') return;
    this.moveTo('answering');
    try {
      await this.session.accept({ sessionDescriptionHandlerOptions: AUDIO_ONLY });
    } catch (error) {
      // Typically getUserMedia refused or no microphone: tell the caller we cannot take it.
      this.finish({ reason: 'media-failed', detail: String(error) });
      if (this.session.state === SessionState.Initial || this.session.state === SessionState.Establishing) {
        await this.session.reject({ statusCode: 488 }).catch(() => undefined);
      }
    }
  }

  /** Rejects a ringing incoming call; 486 Busy Here or 603 Decline (RFC 3261 §21.4.24, §21.6.2). */
  async decline(statusCode: 486 | 603 = 603, reason: 'declined-locally' | 'do-not-disturb' = 'declined-locally'): Promise<void> {
    if (!(this.session instanceof Invitation) || this.snapshot.state !== 'incoming') return;
    this.pendingEnd = { reason, statusCode };
    await this.session.reject({ statusCode });
  }

  /** Ends the call whatever its state: CANCEL while it rings out, BYE once it is up. */
  async hangup(): Promise<void> {
    this.pendingEnd ??= { reason: 'local-hangup' };
    const session = this.session;
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) {
          this.pendingEnd = { reason: 'cancelled' };
          await session.cancel();
        } else if (session instanceof Invitation) {
          await this.decline(603);
        }
        return;
      case SessionState.Established:
        await session.bye();
        return;
      default:
        return;
    }
  }

  setMuted(muted: boolean): void {
    this.handler()?.enableSenderTracks(!muted);
    this.update({ muted });
  }

  /** Live audio counters from the call's peer connection (inbound packets, energy, codec). */
  mediaStats(): Promise<AudioMediaStats> {
    return readAudioStats(this.handler()?.peerConnection);
  }

  private onProgress(response: IncomingResponse): void {
    const status = response.message.statusCode ?? 0;
    const hasSdp = (response.message.body ?? '').length > 0;
    if (status === 183 && hasSdp) {
      this.attachRemoteAudio();
      this.moveTo('early-media');
    } else if (status === 180 || status === 183) {
      this.moveTo('ringing');
    }
  }

  private onRejected(response: IncomingResponse): void {
    const statusCode = response.message.statusCode ?? 0;
    this.pendingEnd = {
      reason: endReasonForInviteFailure(statusCode),
      statusCode,
      detail: response.message.reasonPhrase,
    };
  }

  private onSessionState(state: SessionState): void {
    if (state === SessionState.Established) {
      this.attachRemoteAudio();
      this.moveTo('active', { answeredAt: Date.now() });
    } else if (state === SessionState.Terminated) {
      // SIP.js moves to Terminated before it calls our onReject delegate with the final response
      // (inviter.js, invite()): wait one microtask so the status code is known when we report the end.
      queueMicrotask(() =>
        this.finish(this.pendingEnd ?? { reason: this.snapshot.answeredAt ? 'remote-hangup' : 'failed' }),
      );
    }
  }

  private finish(end: CallEnd): void {
    if (this.snapshot.state === 'ended') return;
    this.remoteAudio.srcObject = null;
    this.moveTo('ended', { end, endedAt: Date.now() });
  }

  private attachRemoteAudio(): void {
    const stream = this.handler()?.remoteMediaStream;
    if (!stream || this.remoteAudio.srcObject === stream) return;
    this.remoteAudio.srcObject = stream;
    // Autoplay may be refused until the user has interacted with the page; the next gesture retries.
    this.remoteAudio.play().catch(() => undefined);
  }

  private handler(): SessionDescriptionHandler | undefined {
    return this.session.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
  }

  private moveTo(state: CallState, patch: Partial<CallSnapshot> = {}): void {
    if (state === this.snapshot.state || !canTransition(this.snapshot.state, state)) return;
    this.update({ ...patch, state });
  }

  private update(patch: Partial<CallSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.listener(this.snapshot);
  }
}

function describeRemote(
  session: Session,
  accountId: string,
  direction: CallSnapshot['direction'],
  state: CallState,
): Omit<CallSnapshot, 'createdAt' | 'muted'> {
  const identity = session.remoteIdentity;
  return {
    id: session.id,
    accountId,
    direction,
    state,
    remoteUri: identity.uri.toString(),
    remoteDisplayName: identity.displayName ?? '',
    remoteNumber: identity.uri.user ?? identity.uri.toString(),
  };
}
