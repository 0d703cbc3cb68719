/**
 * Config templates kept as real files next to this module (`kamailio.cfg`, `baresip.conf`, ...),
 * so they read like the configs they are. Placeholders look like `@UDP_PORT@`.
 */
import { readFile, writeFile } from 'node:fs/promises';

const PLACEHOLDER = /@([A-Z][A-Z0-9_]*)@/g;

/**
 * Fills the template `name` (a file in tests/lab) with `values` and writes it to `target`.
 * Throws when the template uses a placeholder that has no value, so a typo cannot silently
 * produce a config that the server then misreads.
 */
export async function renderTemplate(
  name: string,
  values: Readonly<Record<string, string | number>>,
  target: string,
): Promise<void> {
  const template = await readFile(new URL(name, import.meta.url), 'utf8');
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return String(value);
  });
  if (missing.size > 0) throw new Error(`template ${name}: no value for ${[...missing].join(', ')}`);
  await writeFile(target, text);
}
