/**
 * What each tray menu item does. The menu itself is derived from the phone's state (`tray-state.ts`);
 * this turns a click into window changes, commands to the renderer's phone and settings changes.
 */
import type { PhoneCommand } from '../common/contract';
import type { TrayAction } from './tray-state';

export interface TrayActionsOptions {
  toggleWindow(): void;
  showWindow(): void;
  sendCommand(command: PhoneCommand): void;
  /** Do not disturb as the user sees it now (the setting, or the phone's own state). */
  doNotDisturb(): boolean;
  /** Saves the setting; resolves once saved. */
  saveDoNotDisturb(on: boolean): Promise<void>;
  quit(): void;
  error(message: string, detail: unknown): void;
}

export function trayActions(options: TrayActionsOptions): (action: TrayAction) => void {
  return (action) => {
    switch (action) {
      case 'toggle-window':
        options.toggleWindow();
        break;
      case 'toggle-dnd': {
        const on = !options.doNotDisturb();
        // Saved first, so the phone and main agree when the renderer acts on the command.
        options
          .saveDoNotDisturb(on)
          .then(() => options.sendCommand({ kind: 'set-do-not-disturb', on }))
          .catch((error: unknown) => options.error('do not disturb:', error));
        break;
      }
      case 'answer':
        options.sendCommand({ kind: 'answer' });
        options.showWindow();
        break;
      case 'decline':
        options.sendCommand({ kind: 'decline', statusCode: 603 });
        break;
      case 'busy':
        options.sendCommand({ kind: 'decline', statusCode: 486 });
        break;
      case 'hangup':
        options.sendCommand({ kind: 'hangup' });
        break;
      case 'toggle-mute':
        options.sendCommand({ kind: 'toggle-mute' });
        break;
      case 'quit':
        options.quit();
        break;
    }
  };
}
