/** Audio counters read from `RTCPeerConnection.getStats()`: enough to tell whether sound really flows. */
export interface AudioMediaStats {
  packetsReceived: number;
  packetsSent: number;
  /** Sum of squared audio levels times duration (W3C webrtc-stats); rises only while sound arrives. */
  totalAudioEnergy: number;
  audioLevel: number;
  codec?: string;
}

const EMPTY: AudioMediaStats = { packetsReceived: 0, packetsSent: 0, totalAudioEnergy: 0, audioLevel: 0 };

export async function readAudioStats(
  peerConnection: RTCPeerConnection | undefined,
): Promise<AudioMediaStats> {
  if (!peerConnection) return { ...EMPTY };
  const report = await peerConnection.getStats();
  const stats = { ...EMPTY };
  const codecs = new Map<string, string>();
  let inboundCodecId: string | undefined;
  report.forEach((entry: RTCStats & Record<string, unknown>) => {
    if (entry.type === 'codec' && typeof entry.mimeType === 'string') codecs.set(entry.id, entry.mimeType);
    if (entry.kind !== 'audio') return;
    if (entry.type === 'inbound-rtp') {
      stats.packetsReceived += numberOf(entry.packetsReceived);
      stats.totalAudioEnergy += numberOf(entry.totalAudioEnergy);
      stats.audioLevel = Math.max(stats.audioLevel, numberOf(entry.audioLevel));
      if (typeof entry.codecId === 'string') inboundCodecId = entry.codecId;
    } else if (entry.type === 'outbound-rtp') {
      stats.packetsSent += numberOf(entry.packetsSent);
    }
  });
  const codec = inboundCodecId === undefined ? undefined : codecs.get(inboundCodecId);
  return codec === undefined ? stats : { ...stats, codec: codec.replace(/^audio\//, '') };
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
