import { ref } from 'vue';

/**
 * Copies text to the clipboard and says how it went, as an i18n key under `diagnostics.` for a
 * `role="status"` line. The key is cleared first, so copying twice is announced twice. Where the
 * clipboard refuses (no permission, no focus), the text is on screen to select by hand.
 */
export function useCopyText() {
  const result = ref<'copied' | 'copyFailed' | undefined>();

  async function copy(text: string): Promise<void> {
    result.value = undefined;
    try {
      await navigator.clipboard.writeText(text);
      result.value = 'copied';
    } catch {
      result.value = 'copyFailed';
    }
  }

  return { result, copy };
}
