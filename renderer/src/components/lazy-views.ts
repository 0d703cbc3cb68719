import { whenIdle } from '../composables/when-idle';

/**
 * What the first screen does not show, each its own chunk: the other views, the phone view's call
 * cards, and the ways of adding an account other than the assistant. The app shows the phone without waiting for them, then fetches them in the background
 * ({@link preloadViews}) so that opening a view or taking the first call does not wait for them.
 */
export const lazyViews = {
  accountForm: () => import('./AccountForm.vue'),
  provisioningImport: () => import('./ProvisioningImport.vue'),
  callBar: () => import('./CallBar.vue'),
  callCard: () => import('./CallCard.vue'),
  incomingCall: () => import('./IncomingCall.vue'),
  lineList: () => import('./LineList.vue'),
  contacts: () => import('./ContactsView.vue'),
  history: () => import('./HistoryView.vue'),
  linkPrompt: () => import('./LinkPrompt.vue'),
  messages: () => import('./MessagesView.vue'),
  settings: () => import('./SettingsView.vue'),
};

/**
 * Fetches every lazy view once the browser is idle: after the first screen, or for a new user after
 * the first registration (App.vue says why).
 */
export function preloadViews(): void {
  whenIdle(
    () => void Promise.all(Object.values(lazyViews).map((view) => view())).catch(() => undefined),
    2_000,
    500,
  );
}
