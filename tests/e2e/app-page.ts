import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { LabUser } from '../lab/lab';
import { preferCodec } from './media-settings';

/** Audio counters summed over the page's RTCPeerConnections that are still open. */
export interface PageAudioStats {
  packetsReceived: number;
  packetsSent: number;
  totalAudioEnergy: number;
  peerConnections: number;
}

declare global {
  interface Window {
    __ringlineTestPeerConnections?: RTCPeerConnection[];
    /** Every text the page's live regions showed, in order (see `recordLiveRegions`). */
    __ringlineTestLiveTexts?: string[];
    __ringlineTestNotifications?: {
      title: string;
      body: string;
      closed: boolean;
      notification: Notification;
    }[];
  }
}

/**
 * Records every RTCPeerConnection the page creates so the test can read real media statistics.
 * It wraps the browser's own class (nothing is faked): the app and SIP.js run unchanged.
 */
function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const created: RTCPeerConnection[] = [];
  window.__ringlineTestPeerConnections = created;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      created.push(this);
    }
  };
}

/**
 * Records the Web Notifications the page shows (title, body, whether it was closed) so the test can
 * check them and click one, as the OS would deliver a click. The browser's class does the work.
 */
function recordNotifications(): void {
  const Native = window.Notification;
  const shown: NonNullable<Window['__ringlineTestNotifications']> = [];
  window.__ringlineTestNotifications = shown;
  class Recorded extends Native {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      const record = { title, body: options?.body ?? '', closed: false, notification: this as Notification };
      shown.push(record);
      this.addEventListener('close', () => (record.closed = true));
      const close = this.close.bind(this);
      this.close = () => {
        record.closed = true;
        close();
      };
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
  window.Notification = Recorded as typeof Notification;
}

/**
 * Records what the page's live regions (`aria-live`, `role=status|alert|log`) show as it changes, the
 * way a screen reader hears it: each text of each item once, in order. Steps that are on screen only
 * for a moment (the assistant's, before the phone opens) can then still be checked.
 */
function recordLiveRegions(): void {
  const texts: string[] = [];
  window.__ringlineTestLiveTexts = texts;
  const live = '[aria-live], [role="status"], [role="alert"], [role="log"]';
  const note = (text: string | null | undefined): void => {
    const value = text?.replace(/\s+/g, ' ').trim();
    if (value && texts.at(-1) !== value && !texts.includes(value)) texts.push(value);
  };
  const collect = (): void => {
    for (const region of document.querySelectorAll(live)) {
      const items = region.querySelectorAll('li');
      if (items.length === 0) note(region.textContent);
      else items.forEach((item) => note(item.textContent));
    }
  };
  new MutationObserver(collect).observe(document, { subtree: true, childList: true, characterData: true });
}

/** An account's "Presence and voicemail" options, as a user fills them on the account page. */
export interface PresenceOptions {
  /** Lines to watch (BLF), comma separated. */
  watch?: string;
  voicemailNumber?: string;
  publishPresence?: boolean;
}

/** One running copy of the app (a browser context with the web host), driven the way a user would. */
export class AppPage {
  /**
   * What went wrong in the page since it opened, one line each: console errors, uncaught exceptions,
   * failed requests and HTTP error responses (a missing favicon is a 404 here too).
   */
  readonly problems: string[] = [];

  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) =>
      this.problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) this.problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
  }

  static async open(context: BrowserContext, path = '/'): Promise<AppPage> {
    await context.addInitScript(recordPeerConnections);
    await context.addInitScript(recordNotifications);
    await context.addInitScript(recordLiveRegions);
    const app = new AppPage(await context.newPage(), context);
    await app.page.goto(path);
    return app;
  }

  button(name: string | RegExp): Locator {
    return this.page.getByRole('button', { name, exact: typeof name === 'string' });
  }

  registrationStatus(): Locator {
    return this.page.getByRole('region', { name: /Registration status/ }).getByRole('status');
  }

  /** The first-run assistant: the first screen without an account, and what "Add account" opens. */
  assistant(): Locator {
    return this.page.getByRole('form', { name: 'Sign in with your SIP account' });
  }

  /**
   * The account page's form with its Advanced section open: the account being edited, or a new one
   * reached as a user does (the assistant's "Set up manually"; once an account exists, the assistant
   * is behind Settings → Accounts → "Add account").
   */
  async accountForm(): Promise<Locator> {
    const form = this.page.getByRole('form', { name: /^(Add account|Edit account)$/ });
    const assistant = this.assistant();
    const add = this.button('Add account');
    // Loaded: the account page, the assistant (no account yet), or an account's status on the phone.
    await expect(
      form
        .or(assistant)
        .or(add)
        .or(this.page.getByRole('region', { name: /Registration status/ }))
        .first(),
    ).toBeVisible();
    if (!(await form.isVisible())) {
      if (!(await assistant.isVisible())) {
        if (!(await add.isVisible())) await this.show('Settings');
        await add.click();
      }
      await this.button('Set up manually').click();
    }
    await expect(form).toBeVisible();
    const advanced = form.locator('details.account-advanced');
    if (!(await advanced.evaluate((details) => (details as HTMLDetailsElement).open)))
      await advanced.locator('summary').click();
    return form;
  }

  /**
   * Sets an account up by hand on the account page with a lab user and a known WebSocket server;
   * the password can be overridden to test failures. (The assistant's own search has its own spec.)
   */
  async addAccount(user: LabUser, wssUrl: string, password = user.password): Promise<void> {
    const form = await this.accountForm();
    await form.getByLabel('Display name').fill(user.displayName);
    await form.getByLabel('SIP address').fill(user.aor);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await form.getByLabel('Authentication user').fill(user.user);
    await form.getByLabel('WebSocket server').fill(wssUrl);
    await form.getByRole('button', { name: 'Save and register' }).click();
  }

  /** Fills the account form's "Presence and voicemail" group (see {@link accountForm}). */
  async fillPresence(form: Locator, options: PresenceOptions): Promise<void> {
    const presence = form.getByRole('group', { name: 'Presence and voicemail' });
    if (options.watch) await presence.getByLabel(/Watch \(BLF\)/).fill(options.watch);
    if (options.voicemailNumber) await presence.getByLabel('Voicemail number').fill(options.voicemailNumber);
    if (options.publishPresence) await presence.getByLabel(/Publish my presence/).check();
  }

  /** The BLF key for `user` on the account `accountName`; its accessible name says the state. */
  blfKey(accountName: string, user: LabUser): Locator {
    return this.page
      .getByRole('region', { name: `Watched lines of ${accountName}` })
      .getByRole('button', { name: new RegExp(`^Call ${user.user}, `) });
  }

  /** What the page's live regions have shown so far, in order (see `recordLiveRegions`). */
  async liveTexts(): Promise<string[]> {
    return this.page.evaluate(() => [...(window.__ringlineTestLiveTexts ?? [])]);
  }

  /**
   * Fills the account form for a direct (UDP/TCP/TLS) account through the gateway: `server` is
   * `host[:port]` (no port: found by DNS), on the account page as {@link addAccount} does. The app
   * must have been opened with the gateway (`openGatewayApp`).
   */
  async addDirectAccount(
    user: LabUser,
    connection: {
      transport: 'udp' | 'tcp' | 'tls';
      server: string;
      backups?: string;
      presence?: PresenceOptions | undefined;
      /** Moved to the top of the account's video codecs before saving. */
      firstVideoCodec?: string | undefined;
    },
    password = user.password,
  ): Promise<void> {
    const form = await this.accountForm();
    if (connection.firstVideoCodec) await preferCodec(form, connection.firstVideoCodec);
    await form.getByLabel('Display name').fill(user.displayName);
    await form.getByLabel('SIP address').fill(user.aor);
    await form.getByLabel('Authentication user').fill(user.user);
    await form.getByLabel('Password', { exact: true }).fill(password);
    // By role: a label's text also holds the select's options, and "SIP server" is inside "Backup SIP servers".
    await form.getByRole('combobox', { name: 'Connection', exact: true }).selectOption(connection.transport);
    await form.getByRole('textbox', { name: 'SIP server', exact: true }).fill(connection.server);
    if (connection.backups !== undefined)
      await form.getByLabel('Backup SIP servers (optional)').fill(connection.backups);
    if (connection.presence) await this.fillPresence(form, connection.presence);
    await form.getByRole('button', { name: 'Save and register' }).click();
  }

  async expectRegistered(): Promise<void> {
    await expect(this.registrationStatus()).toHaveText('Registered');
  }

  /** Opens one of the main views by its tab in the navigation ("Phone", "Settings"...). */
  async show(view: string | RegExp): Promise<void> {
    const tab = this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view });
    if ((await tab.getAttribute('aria-current')) !== 'page') await tab.click();
    await expect(tab).toHaveAttribute('aria-current', 'page');
  }

  async dial(target: string): Promise<void> {
    await this.show('Phone');
    await this.page.getByLabel('Number or SIP address').fill(target);
    await this.button('Call').click();
  }

  /** The card of the call in front (not the cards of calls that just ended). */
  callCard(): Locator {
    return this.page.locator('article.call-card:not([data-state="ended"])');
  }

  /** The card's one status: "Calling…", "In call", "On hold", "Held by Bob"... */
  callState(): Locator {
    return this.callCard().getByRole('status');
  }

  /** The card of a call that just ended, whose status says how it ended, shown for a few seconds. */
  endedCall(): Locator {
    return this.page.locator('article.call-card[data-state="ended"]');
  }

  /** The newest entry of the phone's recent calls, which says how the last call ended. */
  lastCall(): Locator {
    return this.page.getByRole('region', { name: 'Recent calls' }).getByRole('listitem').first();
  }

  incomingCall(caller?: string): Locator {
    return this.page.getByRole('alertdialog', {
      name: caller ? `Incoming call from ${caller}` : /Incoming call/,
    });
  }

  async notifications(): Promise<{ title: string; body: string; closed: boolean }[]> {
    return this.page.evaluate(() =>
      (window.__ringlineTestNotifications ?? []).map(({ title, body, closed }) => ({ title, body, closed })),
    );
  }

  /** Clicks the most recent notification with this title, as the user would in the OS. */
  async clickNotification(title: string): Promise<void> {
    await this.page.evaluate((wanted) => {
      const record = (window.__ringlineTestNotifications ?? []).filter((n) => n.title === wanted).at(-1);
      if (!record) throw new Error(`no notification titled ${wanted}`);
      record.notification.dispatchEvent(new Event('click'));
    }, title);
  }

  async audioStats(): Promise<PageAudioStats> {
    return this.page.evaluate(async () => {
      const totals = { packetsReceived: 0, packetsSent: 0, totalAudioEnergy: 0, peerConnections: 0 };
      for (const pc of window.__ringlineTestPeerConnections ?? []) {
        if (pc.connectionState === 'closed') continue;
        totals.peerConnections += 1;
        const report = await pc.getStats();
        report.forEach((entry: RTCStats & Record<string, unknown>) => {
          if (entry.kind !== 'audio') return;
          if (entry.type === 'inbound-rtp') {
            totals.packetsReceived += Number(entry.packetsReceived ?? 0);
            totals.totalAudioEnergy += Number(entry.totalAudioEnergy ?? 0);
          }
          if (entry.type === 'outbound-rtp') totals.packetsSent += Number(entry.packetsSent ?? 0);
        });
      }
      return totals;
    });
  }

  /**
   * Proves sound is arriving: inbound packets and audio energy both grow over a window.
   * Energy only rises while decoded audio is non-silent, so a stream of empty packets fails this.
   */
  async expectAudioFlowing(windowMs = 1500): Promise<{ before: PageAudioStats; after: PageAudioStats }> {
    await expect
      .poll(async () => (await this.audioStats()).packetsReceived, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const before = await this.audioStats();
    await this.page.waitForTimeout(windowMs);
    const after = await this.audioStats();
    expect(
      after.packetsReceived - before.packetsReceived,
      'inbound RTP packets in the window',
    ).toBeGreaterThan((windowMs / 20) * 0.5);
    expect(
      after.totalAudioEnergy - before.totalAudioEnergy,
      'inbound audio energy in the window',
    ).toBeGreaterThan(0.001);
    expect(after.packetsSent - before.packetsSent, 'outbound RTP packets in the window').toBeGreaterThan(
      (windowMs / 20) * 0.5,
    );
    return { before, after };
  }

  // ---- call control (lines, hold, DTMF, transfer, conference, recording) ----

  /** The list of lines, shown while there is more than one call. */
  lineList(): Locator {
    return this.page.getByRole('navigation', { name: 'Lines' });
  }

  /** The call-waiting prompt shown for a call that rings in during another call. */
  callWaiting(caller: string): Locator {
    return this.page.getByRole('alertdialog', { name: `Call waiting from ${caller}` });
  }

  /** Opens the keypad of the call in front and presses `digits` one by one, as a user would. */
  async pressDtmf(digits: string): Promise<void> {
    const card = this.callCard();
    const pad = card.getByRole('group', { name: /^Keypad for/ });
    if (!(await pad.isVisible())) await card.getByRole('button', { name: 'Keypad', exact: true }).click();
    for (const digit of digits)
      await pad.getByRole('button', { name: `Digit ${digit}`, exact: true }).click();
  }

  /** Inbound and outbound audio counters per open peer connection, in the order they were created. */
  async audioStatsPerConnection(): Promise<PageAudioStats[]> {
    return this.page.evaluate(async () => {
      const result: PageAudioStats[] = [];
      for (const pc of window.__ringlineTestPeerConnections ?? []) {
        if (pc.connectionState === 'closed') continue;
        const totals = { packetsReceived: 0, packetsSent: 0, totalAudioEnergy: 0, peerConnections: 1 };
        const report = await pc.getStats();
        report.forEach((entry: RTCStats & Record<string, unknown>) => {
          if (entry.kind !== 'audio') return;
          if (entry.type === 'inbound-rtp') {
            totals.packetsReceived += Number(entry.packetsReceived ?? 0);
            totals.totalAudioEnergy += Number(entry.totalAudioEnergy ?? 0);
          }
          if (entry.type === 'outbound-rtp') totals.packetsSent += Number(entry.packetsSent ?? 0);
        });
        result.push(totals);
      }
      return result;
    });
  }

  /** Inbound energy received over `windowMs` (all open connections summed). */
  async inboundEnergyOver(windowMs = 1500): Promise<{ energy: number; packets: number }> {
    const before = await this.audioStats();
    await this.page.waitForTimeout(windowMs);
    const after = await this.audioStats();
    return {
      energy: after.totalAudioEnergy - before.totalAudioEnergy,
      packets: after.packetsReceived - before.packetsReceived,
    };
  }

  /** Inbound energy per open peer connection over `windowMs`, in creation order. */
  async inboundEnergyPerConnection(windowMs = 1500): Promise<number[]> {
    const before = await this.audioStatsPerConnection();
    await this.page.waitForTimeout(windowMs);
    const after = await this.audioStatsPerConnection();
    return after.map((stats, index) => stats.totalAudioEnergy - (before[index]?.totalAudioEnergy ?? 0));
  }

  /**
   * Opens the account's call handling (auto-answer, intercom, forwarding, DTMF) in Settings → Accounts.
   * The window stays on Settings; `show('Phone')` goes back.
   */
  async callHandling(accountName: string): Promise<Locator> {
    await this.show('Settings');
    const name = `Call handling for ${accountName}`;
    const form = this.page.getByRole('form', { name });
    if (!(await form.isVisible())) await this.page.getByText(name, { exact: true }).click();
    await expect(form).toBeVisible();
    return form;
  }
}
