/**
 * Sandboxed preload: exposes {@link RinglineApi} as `window.ringline`, one `ipcRenderer.invoke` per
 * verb, and nothing else.
 *
 * The page never gets `ipcRenderer`, an IPC event object or a way to name a channel: with those it
 * could call any handler or forge messages. Main validates every call anyway (see `electron/main/ipc.ts`).
 * Built as one CommonJS file because a sandboxed preload can neither be ESM nor `require` local files.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DialRequest, RinglineApi } from '../common/contract';
import { IPC } from '../common/ipc-channels';

function isDialRequest(value: unknown): value is DialRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    value.kind === 'dial' &&
    'target' in value &&
    typeof value.target === 'string'
  );
}

const api: RinglineApi = {
  accounts: {
    list: () => ipcRenderer.invoke(IPC.accountsList),
    save: (input) => ipcRenderer.invoke(IPC.accountsSave, input),
    remove: (id) => ipcRenderer.invoke(IPC.accountsRemove, id),
    password: (id) => ipcRenderer.invoke(IPC.accountsPassword, id),
  },
  settings: {
    get: () => ipcRenderer.invoke(IPC.settingsGet),
    update: (patch) => ipcRenderer.invoke(IPC.settingsUpdate, patch),
  },
  notifications: {
    incomingCall: (notice) => ipcRenderer.invoke(IPC.notifyIncomingCall, notice),
    dismiss: (callId) => ipcRenderer.invoke(IPC.notifyDismiss, callId),
  },
  links: {
    onDialRequest: (listener) => {
      // A fresh object per call: the page sees the request, not the event (which carries `sender`).
      const forward = (_event: IpcRendererEvent, request: unknown): void => {
        if (isDialRequest(request)) listener({ kind: 'dial', target: request.target });
      };
      ipcRenderer.on(IPC.linksDialRequest, forward);
      return () => {
        ipcRenderer.removeListener(IPC.linksDialRequest, forward);
      };
    },
    rendererReady: () => {
      // The contract makes this fire-and-forget; a refusal can only mean a bug, so make it visible.
      ipcRenderer.invoke(IPC.linksReady).catch((error: unknown) => {
        console.error('ringline: links.rendererReady failed', error);
      });
    },
  },
  app: {
    info: () => ipcRenderer.invoke(IPC.appInfo),
  },
};

contextBridge.exposeInMainWorld('ringline', api);
