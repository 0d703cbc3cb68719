/**
 * The SIP stack as one chunk: SIP.js, the phone, calls, presence and messages. The app shows its first
 * screen without it and loads it for the first account that connects. Reading dialled numbers
 * (`dial-target.ts`, with libphonenumber's metadata) is a chunk of its own, which the REGISTER does
 * not wait for (see `Softphone.connect`).
 */
export { Phone } from './phone';
