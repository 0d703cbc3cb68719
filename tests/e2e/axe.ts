import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe-core (every rule of its default run: WCAG 2.x A/AA and best practices such as `region`)
 * on what the page shows now, and fails with one readable line per violation and element.
 * `label` names the view in the failure ("phone, zh-CN"), so each scan of a tour can be told apart.
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact ?? 'n/a'}): ${node.target.join(' ')} - ${node.failureSummary}`,
    ),
  );
  expect(found, `axe-core violations in ${label}`).toEqual([]);
}
