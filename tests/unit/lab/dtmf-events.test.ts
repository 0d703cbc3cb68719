import { describe, expect, it } from 'vitest';
import type { BaresipEvent } from '../../lab/baresip-control';
import { LATE_EVENT_PACKET_MS, digitsFromEvents } from '../../lab/dtmf-events';

/** Key presses as baresip reports them: [digit, start ms, end ms]. */
function presses(...keys: [string, number, number][]): BaresipEvent[] {
  return keys.flatMap(([digit, start, end]) => [
    { type: 'CALL_DTMF_START', param: digit, receivedAt: start },
    { type: 'CALL_DTMF_END', param: '', receivedAt: end },
  ]);
}

describe('digits a desk phone received', () => {
  it('reads the presses in order, repeated keys included', () => {
    expect(digitsFromEvents(presses(['1', 0, 160], ['1', 400, 560], ['#', 800, 960]))).toBe('11#');
  });

  it('does not count a late packet of the same event as another press', () => {
    const late = LATE_EVENT_PACKET_MS - 10;
    expect(
      digitsFromEvents(
        presses(['*', 0, 160], ['0', 400, 560], ['#', 800, 960], ['#', 960 + late, 962 + late]),
      ),
    ).toBe('*0#');
  });

  it('ignores other events', () => {
    const events: BaresipEvent[] = [
      { type: 'CALL_ESTABLISHED', receivedAt: 0 },
      ...presses(['5', 10, 170]),
      { type: 'CALL_RTCP', receivedAt: 200 },
    ];
    expect(digitsFromEvents(events)).toBe('5');
  });
});
