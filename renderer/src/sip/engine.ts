/**
 * The SIP stack as one chunk: SIP.js, the phone, calls, presence, messages and number parsing. The app
 * shows its first screen without it and loads it for the first account that connects.
 */
export { Phone } from './phone';
export { resolveDialTarget } from './dial-target';
