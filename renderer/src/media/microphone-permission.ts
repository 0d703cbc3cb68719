/**
 * Whether the browser lets us capture the microphone without asking the user.
 *
 * A call's offer or answer does not wait for the microphone (see `session-description-handler.ts`),
 * which is right when capture is only a matter of the device starting up. When the browser would
 * first show a permission prompt, the user may take seconds to decide or say no, and the far end
 * must not be called (or answered) meanwhile: then capture comes first, as before.
 *
 * The answer is kept up to date from the Permissions API (`navigator.permissions`), read once and
 * followed through its `change` event, so it is known synchronously when a call starts. Desktop:
 * Electron answers the query from main's permission check handler (media is granted to our page).
 */

let state: PermissionState | undefined;
let watching = false;

/** Starts following the microphone permission; idempotent. Unknown until the first answer. */
export function watchMicrophonePermission(): void {
  if (watching) return;
  watching = true;
  navigator.permissions
    ?.query({ name: 'microphone' })
    .then((status) => {
      state = status.state;
      status.addEventListener('change', () => {
        state = status.state;
      });
    })
    // A browser that cannot tell: capture first, as if it would ask.
    .catch(() => undefined);
}

/** True only when capture is known to start without a prompt. */
export function microphoneGranted(): boolean {
  return state === 'granted';
}
