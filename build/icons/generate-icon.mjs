// Draws Ringline's app icon (a ring on a line, white on a teal rounded square) and writes it as a
// 512x512 PNG with nothing but Node's zlib, so the icon is reproducible and free of third-party art.
// Run: node build/icons/generate-icon.mjs
import { writeFileSync } from 'node:fs';
import { encodePng } from './png.mjs';

const SIZE = 512;
const SAMPLES = 4; // 4x4 supersampling per pixel for smooth edges
const CENTER = SIZE / 2;
const TOP = [20, 145, 135]; // teal, top of the gradient
const BOTTOM = [15, 84, 96]; // darker teal, bottom

/** Rounded square covering the canvas with a 12 px margin and a 100 px corner radius. */
function inBackground(x, y) {
  const margin = 12;
  const radius = 100;
  const dx = Math.max(margin + radius - x, 0, x - (SIZE - margin - radius));
  const dy = Math.max(margin + radius - y, 0, y - (SIZE - margin - radius));
  return (
    x >= margin &&
    x <= SIZE - margin &&
    y >= margin &&
    y <= SIZE - margin &&
    dx * dx + dy * dy <= radius * radius
  );
}

/** The white mark: a ring, and a line through the middle that stops short of it. */
function inMark(x, y) {
  const distance = Math.hypot(x - CENTER, y - CENTER);
  const ring = distance >= 92 && distance <= 132;
  const line = Math.abs(y - CENTER) <= 16 && x >= 52 && x <= SIZE - 52 && distance >= 150;
  return ring || line;
}

const rows = [];
for (let py = 0; py < SIZE; py += 1) {
  const row = Buffer.alloc(1 + SIZE * 4); // leading 0 = PNG filter type "None"
  const shade = TOP.map((top, i) => Math.round(top + ((BOTTOM[i] - top) * py) / (SIZE - 1)));
  for (let px = 0; px < SIZE; px += 1) {
    let background = 0;
    let mark = 0;
    for (let sy = 0; sy < SAMPLES; sy += 1) {
      for (let sx = 0; sx < SAMPLES; sx += 1) {
        const x = px + (sx + 0.5) / SAMPLES;
        const y = py + (sy + 0.5) / SAMPLES;
        if (inBackground(x, y)) {
          background += 1;
          if (inMark(x, y)) mark += 1;
        }
      }
    }
    const total = SAMPLES * SAMPLES;
    const white = background === 0 ? 0 : mark / background;
    const offset = 1 + px * 4;
    for (let i = 0; i < 3; i += 1) row[offset + i] = Math.round(shade[i] + (255 - shade[i]) * white);
    row[offset + 3] = Math.round((255 * background) / total);
  }
  rows.push(row);
}

const png = encodePng(SIZE, SIZE, rows);

const target = new URL('./icon.png', import.meta.url);
writeFileSync(target, png);
console.log(`wrote ${target.pathname} (${png.length} bytes)`);
