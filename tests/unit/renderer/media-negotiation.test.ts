import { describe, expect, it } from 'vitest';
import { orderCodecs } from '../../../renderer/src/sip/codec-preferences';
import {
  ICE_GATHERING_CAP_MS,
  MEDIA_CANDIDATE_WAIT_MS,
  RELAY_CANDIDATE_WAIT_MS,
  REFLEXIVE_CANDIDATE_WAIT_MS,
  candidateType,
  enoughCandidates,
  everyTransportHasCandidate,
  gatheringVerdict,
  iceGatheringPlan,
} from '../../../renderer/src/sip/ice-gathering';
import { iceServersFor } from '../../../renderer/src/sip/ice-servers';

describe('codec order', () => {
  const chromium = [
    'audio/opus',
    'audio/red',
    'audio/G722',
    'audio/PCMU',
    'audio/PCMA',
    'audio/CN',
    'audio/telephone-event',
  ].map((mimeType) => ({ mimeType }));

  it('puts the preferred codecs first, in their order, and keeps every other codec after them', () => {
    const ordered = orderCodecs(chromium, ['PCMU', 'opus']).map((c) => c.mimeType);
    expect(ordered).toEqual([
      'audio/PCMU',
      'audio/opus',
      'audio/red',
      'audio/G722',
      'audio/PCMA',
      'audio/CN',
      'audio/telephone-event',
    ]);
  });

  it('matches names case-insensitively, ignores unknown ones and keeps the browser order without preferences', () => {
    expect(orderCodecs(chromium, ['pcma', 'AMR'])[0]?.mimeType).toBe('audio/PCMA');
    expect(orderCodecs(chromium, [])).toEqual(chromium);
  });

  it('keeps every entry of a codec that appears several times (e.g. H264 profiles) together and in order', () => {
    const video = [
      { mimeType: 'video/VP8', id: 1 },
      { mimeType: 'video/rtx', id: 2 },
      { mimeType: 'video/H264', id: 3 },
      { mimeType: 'video/H264', id: 4 },
    ];
    expect(orderCodecs(video, ['H264', 'VP8']).map((c) => c.id)).toEqual([3, 4, 1, 2]);
  });
});

describe('when ICE gathering may stop', () => {
  it('waits for a UDP host candidate on each transport (balanced bundle: audio and video apart)', () => {
    const host = (mid: string, protocol = 'udp') => ({ type: 'host' as const, protocol, mid });
    const apart = [['0'], ['1']];
    expect(everyTransportHasCandidate(apart, [host('1')]), 'video first, audio not yet').toBe(false);
    expect(everyTransportHasCandidate(apart, [host('1'), host('0', 'tcp')]), 'TCP alone').toBe(false);
    expect(everyTransportHasCandidate(apart, [host('1'), host('0')])).toBe(true);
    expect(everyTransportHasCandidate([['0', '1']], [host('0')]), 'bundled: one transport').toBe(true);
    expect(everyTransportHasCandidate([], []), 'nothing negotiated yet').toBe(true);
    const relay = { type: 'relay' as const, protocol: 'udp', mid: '0' };
    expect(everyTransportHasCandidate([['0']], [host('0')], 'relay')).toBe(false);
    expect(everyTransportHasCandidate([['0']], [relay], 'relay')).toBe(true);
  });

  const none = iceGatheringPlan([]);
  const stun = iceGatheringPlan([{ urls: 'stun:stun.example.com' }]);
  const turn = iceGatheringPlan([{ urls: ['stun:stun.example.com', 'turns:turn.example.com'] }]);
  const relayOnly = iceGatheringPlan([{ urls: 'turn:turn.example.com?transport=tcp' }], 'relay');

  it('reads what the servers can give', () => {
    expect(none).toEqual({ reflexive: false, relay: false, policy: 'all' });
    expect(stun).toEqual({ reflexive: true, relay: false, policy: 'all' });
    expect(turn).toEqual({ reflexive: true, relay: true, policy: 'all' });
    expect(relayOnly.policy).toBe('relay');
  });

  it('without servers, stops at the first host candidate', () => {
    expect(enoughCandidates(none, [], undefined)).toBe(false);
    expect(enoughCandidates(none, ['host'], 0)).toBe(true);
  });

  it('with STUN, waits for a reflexive candidate, but not longer than the STUN wait', () => {
    expect(enoughCandidates(stun, ['host'], 10)).toBe(false);
    expect(enoughCandidates(stun, ['host', 'srflx'], 10)).toBe(true);
    expect(enoughCandidates(stun, ['host'], REFLEXIVE_CANDIDATE_WAIT_MS - 1)).toBe(false);
    expect(enoughCandidates(stun, ['host'], REFLEXIVE_CANDIDATE_WAIT_MS)).toBe(true);
    expect(enoughCandidates(stun, ['srflx'], undefined), 'never without a host candidate').toBe(false);
  });

  it('with TURN, waits for the relay candidate, not only the reflexive one, and longer than for STUN', () => {
    expect(RELAY_CANDIDATE_WAIT_MS).toBeGreaterThan(REFLEXIVE_CANDIDATE_WAIT_MS);
    expect(enoughCandidates(turn, ['host', 'srflx'], 10)).toBe(false);
    expect(enoughCandidates(turn, ['host', 'srflx'], REFLEXIVE_CANDIDATE_WAIT_MS)).toBe(false);
    expect(enoughCandidates(turn, ['host', 'srflx', 'relay'], 10)).toBe(true);
    expect(enoughCandidates(turn, ['host', 'srflx'], RELAY_CANDIDATE_WAIT_MS)).toBe(true);
  });

  it('relay only: the first relay candidate is enough, and nothing else is', () => {
    expect(enoughCandidates(relayOnly, [], undefined)).toBe(false);
    expect(enoughCandidates(relayOnly, ['relay'], undefined)).toBe(true);
  });

  it('never sends an SDP without a candidate: past the cap it waits for the first one, then gives up', () => {
    const audio = [['0']];
    const udpHost = [{ type: 'host' as const, protocol: 'udp', mid: '0' }];
    const tcpHost = [{ type: 'host' as const, protocol: 'tcp', mid: '0' }];
    const lastBound = ICE_GATHERING_CAP_MS + MEDIA_CANDIDATE_WAIT_MS;
    expect(gatheringVerdict(none, [], audio, undefined, 0, false)).toBe('wait');
    expect(gatheringVerdict(none, [], audio, undefined, ICE_GATHERING_CAP_MS, false), 'the cap').toBe('wait');
    expect(gatheringVerdict(none, udpHost, audio, 1, ICE_GATHERING_CAP_MS + 300, false), 'a late host').toBe(
      'send',
    );
    expect(gatheringVerdict(none, [], audio, undefined, lastBound, false)).toBe('give-up');
    expect(gatheringVerdict(none, [], audio, undefined, 10, true), 'nothing more will come').toBe('give-up');
    // A TCP host alone waits for its UDP sibling, but is better than nothing once nothing more comes.
    expect(gatheringVerdict(none, tcpHost, audio, 1, ICE_GATHERING_CAP_MS, false)).toBe('wait');
    expect(gatheringVerdict(none, tcpHost, audio, 1, 10, true)).toBe('send');
    expect(gatheringVerdict(none, tcpHost, audio, 1, lastBound, false)).toBe('send');
  });

  it('with a host candidate, the STUN and TURN waits and the cap apply as before', () => {
    const audio = [['0']];
    const host = [{ type: 'host' as const, protocol: 'udp', mid: '0' }];
    expect(gatheringVerdict(none, host, audio, 0, 0, false)).toBe('send');
    expect(gatheringVerdict(stun, host, audio, 10, 10, false)).toBe('wait');
    expect(gatheringVerdict(stun, host, audio, REFLEXIVE_CANDIDATE_WAIT_MS, 10, false)).toBe('send');
    expect(gatheringVerdict(turn, host, audio, 10, ICE_GATHERING_CAP_MS, false), 'the cap').toBe('send');
    expect(gatheringVerdict(turn, host, audio, 10, 10, true), 'the servers are done').toBe('send');
  });

  it('relay only: host candidates do not count, and no relay candidate means no call', () => {
    const host = [{ type: 'host' as const, protocol: 'udp', mid: '0' }];
    expect(gatheringVerdict(relayOnly, host, [['0']], 10, ICE_GATHERING_CAP_MS, false)).toBe('wait');
    expect(gatheringVerdict(relayOnly, host, [['0']], 10, 10, true)).toBe('give-up');
    const relay = [{ type: 'relay' as const, protocol: 'udp', mid: '0' }];
    expect(gatheringVerdict(relayOnly, relay, [['0']], 10, 10, false)).toBe('send');
  });

  it('reads the type from the candidate or its SDP line', () => {
    expect(candidateType({ type: 'srflx', candidate: '' })).toBe('srflx');
    expect(
      candidateType({
        type: null,
        candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host generation 0',
      }),
    ).toBe('host');
    expect(candidateType({ type: null, candidate: 'garbage' })).toBeUndefined();
  });
});

describe('ICE servers for the peer connection', () => {
  it('gives TURN servers their user name and credential, STUN servers none', () => {
    expect(
      iceServersFor(
        [
          { url: 'stun:stun.example.com', username: 'ignored' },
          { url: 'turns:turn.example.com:5349', username: 'alice' },
          { url: 'turn:turn2.example.com', username: 'bob' },
        ],
        ['x', 's3cret', null],
      ),
    ).toEqual([
      { urls: 'stun:stun.example.com' },
      { urls: 'turns:turn.example.com:5349', username: 'alice', credential: 's3cret' },
      { urls: 'turn:turn2.example.com' },
    ]);
  });
});
