/**
 * A page address's provisioning link (`?provision=https://…`, browser build), apart from the file
 * reader (`provisioning.ts`, which needs zod): the app looks for the link at start, before its first
 * screen, and reads the file only when there is one.
 */

/** The link of a `?provision=https://…` page address (browser build), or undefined. */
export function provisioningLinkIn(search: string): string | undefined {
  const link = new URLSearchParams(search).get('provision');
  return link === null || link.trim() === '' ? undefined : link.trim();
}

/** `href` without its `provision` parameter, other parameters (e.g. `?dial=`) kept. */
export function withoutProvisioningLink(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('provision');
  return url.href;
}
