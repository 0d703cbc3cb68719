import type { Call } from './call';
import type { AudioMediaStats } from './media-stats';
import { resolveDialTarget, type DialTargetError } from './dial-target';
import { Phone, type PhoneConfig, type PhoneDelegate } from './phone';

export type DialOutcome = { ok: true; callId: string } | { ok: false; error: DialTargetError | 'no-account' };

/**
 * The SIP engine: one {@link Phone} per enabled account, and the calls across all of them.
 * Stores talk to it with call ids and account ids only; it reports back through one {@link PhoneDelegate}.
 */
export class Softphone {
  private readonly phones = new Map<string, Phone>();

  constructor(private readonly delegate: PhoneDelegate) {}

  /** (Re)connects an account with fresh settings; an existing phone for it is stopped first. */
  async connect(config: PhoneConfig): Promise<void> {
    await this.disconnect(config.accountId);
    const phone = new Phone(config, this.delegate);
    this.phones.set(config.accountId, phone);
    await phone.start();
  }

  async disconnect(accountId: string): Promise<void> {
    const phone = this.phones.get(accountId);
    if (!phone) return;
    this.phones.delete(accountId);
    await phone.stop();
  }

  async disconnectAll(): Promise<void> {
    await Promise.allSettled([...this.phones.keys()].map((id) => this.disconnect(id)));
  }

  dial(accountId: string, input: string): DialOutcome {
    const phone = this.phones.get(accountId);
    if (!phone) return { ok: false, error: 'no-account' };
    const target = resolveDialTarget(input, phone.dialContext);
    if (!target.ok) return { ok: false, error: target.error };
    return { ok: true, callId: phone.dial(target.uri).id };
  }

  answer(callId: string): Promise<void> {
    return this.withCall(callId, (call) => call.answer());
  }

  decline(
    callId: string,
    statusCode: 486 | 603 = 603,
    reason: 'declined-locally' | 'do-not-disturb' = 'declined-locally',
  ): Promise<void> {
    return this.withCall(callId, (call) => call.decline(statusCode, reason));
  }

  hangup(callId: string): Promise<void> {
    return this.withCall(callId, (call) => call.hangup());
  }

  setMuted(callId: string, muted: boolean): void {
    this.findCall(callId)?.setMuted(muted);
  }

  async mediaStats(callId: string): Promise<AudioMediaStats | undefined> {
    return this.findCall(callId)?.mediaStats();
  }

  private findCall(callId: string): Call | undefined {
    for (const phone of this.phones.values()) {
      const call = phone.call(callId);
      if (call) return call;
    }
    return undefined;
  }

  private async withCall(callId: string, action: (call: Call) => Promise<void>): Promise<void> {
    const call = this.findCall(callId);
    if (call) await action(call);
  }
}
