import { expect, type Page } from '@playwright/test';

/**
 * Checks the page as laid out now, at the window's current size:
 * - nothing needs sideways scrolling (the document is no wider than the window);
 * - nothing inside it scrolls sideways either;
 * - every visible control lies inside the window horizontally, so it can be reached;
 * - no visible text is cut off: each line of text lies inside the window horizontally and inside every
 *   ancestor that clips (overflow hidden or clip);
 * - no text is drawn over other text (a row too short for what it holds).
 * Fails with the offending elements described, so a screenshot is not needed to find them.
 */
export async function expectFitsWidth(page: Page, label: string): Promise<void> {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const width = window.innerWidth;
    const describe = (element: Element): string => {
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const name = element.getAttribute('aria-label') ?? text;
      return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
        element.className && typeof element.className === 'string'
          ? `.${element.className.split(' ')[0]}`
          : ''
      }> "${name}"`;
    };
    // Rendered and larger than a visually hidden 1 px box; a closed <details>' content is not rendered.
    const visible = (element: Element): boolean => {
      const box = element.getBoundingClientRect();
      return (
        element.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }) &&
        box.width > 1 &&
        box.height > 1
      );
    };

    if (document.documentElement.scrollWidth > width) {
      found.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
    }
    for (const control of document.querySelectorAll('button, input, select, textarea, a[href], summary')) {
      if (!visible(control)) continue;
      const box = control.getBoundingClientRect();
      if (box.left < -1 || box.right > width + 1) {
        found.push(
          `control outside the window (${Math.round(box.left)}..${Math.round(box.right)}): ${describe(control)}`,
        );
      }
    }
    for (const element of document.body.querySelectorAll('*')) {
      const overflow = getComputedStyle(element).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && visible(element)) {
        if (element.scrollWidth > element.clientWidth + 1)
          found.push(`scrolls sideways: ${describe(element)}`);
      }
    }
    // A modal dialog is drawn over the page, which is inert behind it: only the dialog's own text counts.
    const modal = document.querySelector('dialog:modal, [aria-modal="true"]');
    /** Lines of text as laid out, to find two drawn over each other. */
    const drawn: { line: DOMRect; node: Node; parent: Element }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || (node.textContent ?? '').trim() === '' || !visible(parent)) continue;
      if (parent.closest('option, script, style, [aria-hidden="true"]')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const line of range.getClientRects()) {
        if (line.width < 1) continue;
        if (line.left < -1 || line.right > width + 1) {
          found.push(`text outside the window: ${describe(parent)}`);
          break;
        }
        let clipped = false;
        let scrolledAway = false;
        for (let box: Element | null = parent; box && box !== document.body; box = box.parentElement) {
          const style = getComputedStyle(box);
          const clipsX = style.overflowX === 'hidden' || style.overflowX === 'clip';
          const clipsY = style.overflowY === 'hidden' || style.overflowY === 'clip';
          const scrolls =
            ['auto', 'scroll'].includes(style.overflowY) || ['auto', 'scroll'].includes(style.overflowX);
          if (!clipsX && !clipsY && !scrolls) continue;
          const area = box.getBoundingClientRect();
          const outsideX = line.left < area.left - 1 || line.right > area.right + 1;
          const outsideY = line.top < area.top - 1 || line.bottom > area.bottom + 1;
          if ((clipsX && outsideX) || (clipsY && outsideY)) {
            clipped = true;
            break;
          }
          if (scrolls && (outsideX || outsideY)) {
            // Before the scroll origin (above or left of the content's start): no scrolling reaches it.
            if (line.top < area.top - box.scrollTop - 1 || line.left < area.left - box.scrollLeft - 1) {
              clipped = true;
              break;
            }
            // Scrolled out of its box: reachable by scrolling, and not drawn where it lies.
            scrolledAway = true;
          }
        }
        if (clipped) {
          found.push(`text cut off: ${describe(parent)}`);
          break;
        }
        if (!scrolledAway && (!modal || modal.contains(parent))) drawn.push({ line, node, parent });
      }
    }
    for (let i = 0; i < drawn.length; i += 1) {
      const a = drawn[i];
      if (!a) continue;
      for (let j = i + 1; j < drawn.length; j += 1) {
        const b = drawn[j];
        if (!b || a.node === b.node) continue;
        const across = Math.min(a.line.right, b.line.right) - Math.max(a.line.left, b.line.left);
        const down = Math.min(a.line.bottom, b.line.bottom) - Math.max(a.line.top, b.line.top);
        if (across > 2 && down > 2) {
          found.push(`text drawn over other text: ${describe(a.parent)} and ${describe(b.parent)}`);
        }
      }
    }
    return found;
  });
  expect(problems, `layout problems in ${label}`).toEqual([]);
}
