/**
 * Hands a file to the user as a browser download: the web host's way to save recordings, and how
 * history (CSV) and contacts (vCard) are exported on both hosts.
 */
export function downloadFile(blob: Blob, fileName: string, doc: Document = document): void {
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
