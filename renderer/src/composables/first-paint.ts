/**
 * Resolves once the browser has painted what is on screen now (the frame after the next animation
 * frame), so that work started then cannot hold the first screen up. A window that does not paint
 * (hidden, minimised to the tray) gets on after `fallbackMs` anyway.
 */
export function afterFirstPaint(fallbackMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, fallbackMs);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0),
    );
  });
}
