/**
 * IPC channel names, one per verb of `RinglineApi`; main refuses anything else.
 * Kept apart from the zod schemas so the sandboxed preload bundles only these strings.
 */
export const IPC = {
  accountsList: 'ringline:accounts.list',
  accountsSave: 'ringline:accounts.save',
  accountsRemove: 'ringline:accounts.remove',
  accountsPassword: 'ringline:accounts.password',
  accountsTurnCredentials: 'ringline:accounts.turnCredentials',
  settingsGet: 'ringline:settings.get',
  settingsUpdate: 'ringline:settings.update',
  phoneReportStatus: 'ringline:phone.reportStatus',
  /** main -> renderer */
  phoneCommand: 'ringline:phone.command',
  phoneSignedOut: 'ringline:phone.signedOut',
  linksReady: 'ringline:links.rendererReady',
  /** main -> renderer */
  linksLink: 'ringline:links.link',
  incomingAct: 'ringline:incoming.act',
  recordingsSave: 'ringline:recordings.save',
  recordingsChooseFolder: 'ringline:recordings.chooseFolder',
  logWrite: 'ringline:log.write',
  messagesNotify: 'ringline:messages.notify',
  appInfo: 'ringline:app.info',
  /** main -> renderer */
  certificatesProblem: 'ringline:certificates.problem',
  certificatesTrust: 'ringline:certificates.trust',
  screenShareSources: 'ringline:screenShare.sources',
  screenShareChoose: 'ringline:screenShare.choose',
  gatewayAvailability: 'ringline:gateway.availability',
  gatewayConnect: 'ringline:gateway.connect',
  gatewaySend: 'ringline:gateway.send',
  gatewayDisconnect: 'ringline:gateway.disconnect',
  /** main -> renderer */
  gatewayEvent: 'ringline:gateway.event',
  gatewayLookup: 'ringline:gateway.lookup',
  gatewayProbe: 'ringline:gateway.probe',
  provisioningFetch: 'ringline:provisioning.fetch',
} as const;

export type IpcChannel = (typeof IPC)[keyof typeof IPC];
