/**
 * The OS folder picker (for the recordings folder), over the focused window when there is one so it
 * opens as that window's sheet/modal rather than somewhere behind it.
 */
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';

/** Resolves the chosen folder, or null when the user cancelled. */
export async function pickFolder(current: string): Promise<string | null> {
  const options: OpenDialogOptions = {
    defaultPath: current,
    properties: ['openDirectory', 'createDirectory'],
  };
  const focused = BrowserWindow.getFocusedWindow();
  const result = focused
    ? await dialog.showOpenDialog(focused, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
