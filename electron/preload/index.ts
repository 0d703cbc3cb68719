/**
 * Sandboxed preload: exposes {@link RinglineApi} as `window.ringline`, one IPC call per verb, and
 * nothing else. The same preload serves the main window and the incoming-call window; main decides
 * which window may use which verb (see `electron/main/ipc.ts`).
 *
 * The page never gets `ipcRenderer`, an IPC event object or a way to name a channel: with those it
 * could call any handler or forge messages. Main validates every call anyway.
 * Built as one CommonJS file because a sandboxed preload can neither be ESM nor `require` local files;
 * it imports only types and the channel names, so zod does not end up in it.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  CertificateProblem,
  GatewayEvent,
  LinkRequest,
  PhoneCommand,
  RinglineApi,
} from '../common/contract';
import { IPC } from '../common/ipc-channels';

/** Main is trusted, but a listener should still only ever see objects with a `kind`. */
function hasKind(value: unknown): value is { kind: string } {
  return typeof value === 'object' && value !== null && 'kind' in value && typeof value.kind === 'string';
}

/**
 * Subscribes `listener` to a main-to-renderer channel. The page gets the payload, never the event
 * (which carries `sender`, i.e. `ipcRenderer` itself). Returns the unsubscribe function.
 */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const forward = (_event: IpcRendererEvent, payload: unknown): void => {
    if (hasKind(payload)) listener(payload as T);
  };
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

const api: RinglineApi = {
  accounts: {
    list: () => ipcRenderer.invoke(IPC.accountsList),
    save: (input) => ipcRenderer.invoke(IPC.accountsSave, input),
    remove: (id) => ipcRenderer.invoke(IPC.accountsRemove, id),
    password: (id) => ipcRenderer.invoke(IPC.accountsPassword, id),
    turnCredentials: (id) => ipcRenderer.invoke(IPC.accountsTurnCredentials, id),
  },
  settings: {
    get: () => ipcRenderer.invoke(IPC.settingsGet),
    update: (patch) => ipcRenderer.invoke(IPC.settingsUpdate, patch),
  },
  phone: {
    reportStatus: (status) => ipcRenderer.invoke(IPC.phoneReportStatus, status),
    onCommand: (listener) => subscribe<PhoneCommand>(IPC.phoneCommand, listener),
    signedOut: () => ipcRenderer.invoke(IPC.phoneSignedOut),
  },
  links: {
    onLink: (listener) => subscribe<LinkRequest>(IPC.linksLink, listener),
    rendererReady: () => {
      // The contract makes this fire-and-forget; a refusal can only mean a bug, so make it visible.
      ipcRenderer.invoke(IPC.linksReady).catch((error: unknown) => {
        console.error('ringline: links.rendererReady failed', error);
      });
    },
  },
  incoming: {
    act: (action) => ipcRenderer.invoke(IPC.incomingAct, action),
  },
  recordings: {
    save: (recording) => ipcRenderer.invoke(IPC.recordingsSave, recording),
    chooseFolder: () => ipcRenderer.invoke(IPC.recordingsChooseFolder),
  },
  messages: {
    notify: (notice) => ipcRenderer.invoke(IPC.messagesNotify, notice),
  },
  log: {
    // Fire-and-forget: logging must never make the caller wait or fail.
    write: (entry) => ipcRenderer.send(IPC.logWrite, entry),
  },
  app: {
    info: () => ipcRenderer.invoke(IPC.appInfo),
  },
  certificates: {
    onProblem: (listener) => subscribe<CertificateProblem>(IPC.certificatesProblem, listener),
    trust: (request) => ipcRenderer.invoke(IPC.certificatesTrust, request),
  },
  provisioning: {
    fetch: (link) => ipcRenderer.invoke(IPC.provisioningFetch, link),
  },
  screenShare: {
    sources: () => ipcRenderer.invoke(IPC.screenShareSources),
    choose: (sourceId) => ipcRenderer.invoke(IPC.screenShareChoose, sourceId),
  },
  gateway: {
    availability: () => ipcRenderer.invoke(IPC.gatewayAvailability),
    connect: (request) => ipcRenderer.invoke(IPC.gatewayConnect, request),
    send: (request) => ipcRenderer.invoke(IPC.gatewaySend, request),
    disconnect: (accountId) => ipcRenderer.invoke(IPC.gatewayDisconnect, accountId),
    onEvent: (listener) => subscribe<GatewayEvent>(IPC.gatewayEvent, listener),
    lookup: (domain) => ipcRenderer.invoke(IPC.gatewayLookup, domain),
    probe: (request) => ipcRenderer.invoke(IPC.gatewayProbe, request),
  },
};

contextBridge.exposeInMainWorld('ringline', api);
