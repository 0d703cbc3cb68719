import { describe, expect, it, vi } from 'vitest';
import type { PhoneCommand } from '../../../electron/common/contract';
import { trayActions, type TrayActionsOptions } from '../../../electron/main/tray-actions';

function setup(doNotDisturb = false) {
  const commands: PhoneCommand[] = [];
  const options: TrayActionsOptions = {
    toggleWindow: vi.fn(),
    showWindow: vi.fn(),
    sendCommand: (command) => void commands.push(command),
    doNotDisturb: () => doNotDisturb,
    saveDoNotDisturb: vi.fn(async () => undefined),
    quit: vi.fn(),
    error: vi.fn(),
  };
  return { act: trayActions(options), options, commands };
}

describe('tray actions', () => {
  it('answer tells the phone and brings the window forward; decline (603), busy (486), hang up and mute only tell the phone', () => {
    const { act, options, commands } = setup();
    act('answer');
    act('decline');
    act('busy');
    act('hangup');
    act('toggle-mute');
    expect(commands).toEqual([
      { kind: 'answer' },
      { kind: 'decline', statusCode: 603 },
      { kind: 'decline', statusCode: 486 },
      { kind: 'hangup' },
      { kind: 'toggle-mute' },
    ]);
    expect(options.showWindow).toHaveBeenCalledTimes(1);
  });

  it('do not disturb is saved first, then the phone is told the new state', async () => {
    const { act, options, commands } = setup(false);
    act('toggle-dnd');
    expect(options.saveDoNotDisturb).toHaveBeenCalledWith(true);
    await vi.waitFor(() => expect(commands).toEqual([{ kind: 'set-do-not-disturb', on: true }]));
    const on = setup(true);
    on.act('toggle-dnd');
    expect(on.options.saveDoNotDisturb).toHaveBeenCalledWith(false);
  });

  it('a failed save is logged and the phone is not told', async () => {
    const { act, options, commands } = setup(false);
    vi.mocked(options.saveDoNotDisturb).mockRejectedValueOnce(new Error('disk full'));
    act('toggle-dnd');
    await vi.waitFor(() => expect(options.error).toHaveBeenCalled());
    expect(commands).toEqual([]);
  });

  it('the window entry toggles the window; quit quits', () => {
    const { act, options } = setup();
    act('toggle-window');
    act('quit');
    expect(options.toggleWindow).toHaveBeenCalledTimes(1);
    expect(options.quit).toHaveBeenCalledTimes(1);
  });
});
