/**
 * Shared reading of the XML bodies that presence NOTIFYs carry. Servers differ in prefixes, extra
 * namespaces and vendor elements, so elements are found by local name and unknown ones are ignored.
 */

/** The body could not be read as the expected document; `detail` says why, in English, for the log. */
export class PresenceParseError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'PresenceParseError';
  }
}

/** Parses `text` as XML with the browser's DOMParser; malformed XML becomes a {@link PresenceParseError}. */
export function parseXml(text: string, expectedRoot: string): Element {
  const document = new DOMParser().parseFromString(text.trim(), 'application/xml');
  // DOMParser does not throw: it returns a document holding a <parsererror> element instead.
  const error = document.getElementsByTagName('parsererror')[0];
  if (error) throw new PresenceParseError(`malformed XML: ${(error.textContent ?? '').trim().slice(0, 200)}`);
  const root = document.documentElement;
  if (root.localName !== expectedRoot) {
    throw new PresenceParseError(`expected <${expectedRoot}>, got <${root.localName}>`);
  }
  return root;
}

/** Direct children of `parent` with this local name, whatever their namespace prefix. */
export function childElements(parent: Element, localName: string): Element[] {
  return [...parent.children].filter((child) => child.localName === localName);
}

export function firstChild(parent: Element, localName: string): Element | undefined {
  return childElements(parent, localName)[0];
}

/** Trimmed text of the first child with this local name, or undefined when absent or empty. */
export function childText(parent: Element, localName: string): string | undefined {
  const text = firstChild(parent, localName)?.textContent?.trim();
  return text ? text : undefined;
}

/** An attribute's value, or undefined when absent or empty. */
export function attribute(element: Element, name: string): string | undefined {
  const value = element.getAttribute(name)?.trim();
  return value ? value : undefined;
}
