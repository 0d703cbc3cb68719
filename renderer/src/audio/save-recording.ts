/**
 * Hands a finished recording to the user as a download. In the browser this is the web host's way to
 * save a file; in Electron the same download goes through the session's default download handling
 * (a save dialog) until the main process offers a folder from settings.
 */
export function downloadRecording(blob: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  doc.body.append(link);
  link.click();
  link.remove();
  // Revoke later: the download has to start reading the blob first.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
