import { defineStore } from 'pinia';
import { ref } from 'vue';

/**
 * What is typed in the phone's number field. A store, not the field's own state, because the field is
 * filled from outside it too: typing anywhere in the window, a dial-by-name suggestion.
 */
export const useDialerStore = defineStore('dialer', () => {
  const target = ref('');
  return { target };
});
