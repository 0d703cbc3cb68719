/** Plays a short 440 Hz tone on one output device, so the user can check the speaker they chose. */
export async function playTestTone(deviceId: string, seconds = 1): Promise<void> {
  const context = new AudioContext();
  const destination = context.createMediaStreamDestination();
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.frequency.value = 440;
  gain.gain.value = 0.2;
  oscillator.connect(gain).connect(destination);
  const element = new Audio();
  element.srcObject = destination.stream;
  try {
    if (deviceId) await element.setSinkId(deviceId);
    await context.resume();
    oscillator.start();
    await element.play();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } finally {
    oscillator.stop();
    element.srcObject = null;
    await context.close();
  }
}
