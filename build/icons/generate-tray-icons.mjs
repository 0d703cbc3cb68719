// Draws Ringline's tray icons, one glyph and colour per phone state, and writes them as PNGs with
// nothing but Node's zlib, so they are reproducible and free of third-party art.
// Run: node build/icons/generate-tray-icons.mjs   (writes build/icons/tray/*.png)
//
// Per state (see electron/main/tray-state.ts TRAY_ICONS), each at 16 px and @2x (32 px):
//   <state>.png / <state>-missed.png                   colour, for Windows and Linux
//   <state>Template.png / <state>-missedTemplate.png   black + alpha, for the macOS menu bar
// The "-missed" variants carry a red dot in the top-right corner (black in the template images).
// Glyphs differ in shape as well as colour, so the states stay apart in monochrome:
//   offline: slashed grey ring; registering: amber ring with a gap; registered: green disc with a
//   ring cut out; dnd: red disc with a bar; in-call: blue rounded square with a dot; ringing: orange
//   dot between two waves.
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodePng } from './png.mjs';

const SAMPLES = 4; // 4x4 supersampling per pixel
const CLEAR = 'clear';
const WHITE = [255, 255, 255];

const disc = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) <= r;
const ring = (cx, cy, inner, outer) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d >= inner && d <= outer;
};
const roundedSquare = (half, radius) => (x, y) => {
  const dx = Math.max(Math.abs(x - 0.5) - (half - radius), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (half - radius), 0);
  return Math.hypot(dx, dy) <= radius;
};
const bar = (halfWidth, halfHeight) => (x, y) =>
  Math.abs(x - 0.5) <= halfWidth && Math.abs(y - 0.5) <= halfHeight;
/** Distance to the segment (x1,y1)-(x2,y2) within `half` of its width. */
const stroke = (x1, y1, x2, y2, half) => (x, y) => {
  const vx = x2 - x1;
  const vy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (x1 + t * vx), y - (y1 + t * vy)) <= half;
};
const and = (a, b) => (x, y) => a(x, y) && b(x, y);
const not = (a) => (x, y) => !a(x, y);

/** Layers per state, painted in order: [shape, colour | 'detail' (white, cut out in templates)]. */
const STATES = {
  offline: [
    [ring(0.5, 0.5, 0.29, 0.42), [128, 128, 128]],
    [stroke(0.2, 0.8, 0.8, 0.2, 0.065), [128, 128, 128]],
  ],
  registering: [
    // A ring with the top-right quarter missing: "on its way".
    [
      and(
        ring(0.5, 0.5, 0.29, 0.42),
        not((x, y) => x > 0.5 && y < 0.5),
      ),
      [224, 150, 20],
    ],
    [disc(0.5, 0.5, 0.12), [224, 150, 20]],
  ],
  registered: [
    [disc(0.5, 0.5, 0.43), [38, 150, 70]],
    [ring(0.5, 0.5, 0.13, 0.24), 'detail'],
  ],
  dnd: [
    [disc(0.5, 0.5, 0.43), [205, 45, 45]],
    [bar(0.26, 0.075), 'detail'],
  ],
  'in-call': [
    [roundedSquare(0.4, 0.12), [35, 105, 215]],
    [disc(0.5, 0.5, 0.15), 'detail'],
  ],
  ringing: [
    // A dot sending waves left and right: (( • )).
    [and(ring(0.5, 0.5, 0.3, 0.45), (x, y) => Math.abs(y - 0.5) < 0.9 * Math.abs(x - 0.5)), [240, 120, 0]],
    [disc(0.5, 0.5, 0.19), [240, 120, 0]],
  ],
};

const BADGE = [
  [disc(0.8, 0.2, 0.26), CLEAR],
  [disc(0.8, 0.2, 0.18), [225, 30, 30]],
];

function paint(layers, template, x, y) {
  let colour = null;
  for (const [shape, fill] of layers) {
    if (!shape(x, y)) continue;
    if (fill === CLEAR || (template && fill === 'detail')) colour = null;
    else if (template) colour = [0, 0, 0];
    else colour = fill === 'detail' ? WHITE : fill;
  }
  return colour;
}

function render(layers, template, size) {
  const rows = [];
  for (let py = 0; py < size; py += 1) {
    const row = Buffer.alloc(1 + size * 4); // leading 0 = PNG filter type "None"
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          const colour = paint(
            layers,
            template,
            (px + (sx + 0.5) / SAMPLES) / size,
            (py + (sy + 0.5) / SAMPLES) / size,
          );
          if (colour === null) continue;
          covered += 1;
          for (let i = 0; i < 3; i += 1) sum[i] += colour[i];
        }
      }
      const offset = 1 + px * 4;
      for (let i = 0; i < 3; i += 1) row[offset + i] = covered === 0 ? 0 : Math.round(sum[i] / covered);
      row[offset + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
    }
    rows.push(row);
  }
  return encodePng(size, size, rows);
}

const outDir = new URL('./tray/', import.meta.url);
mkdirSync(outDir, { recursive: true });
let count = 0;
for (const [state, layers] of Object.entries(STATES)) {
  for (const missed of [false, true]) {
    for (const template of [false, true]) {
      const name = `${state}${missed ? '-missed' : ''}${template ? 'Template' : ''}`;
      const all = missed ? [...layers, ...BADGE] : layers;
      writeFileSync(new URL(`${name}.png`, outDir), render(all, template, 16));
      writeFileSync(new URL(`${name}@2x.png`, outDir), render(all, template, 32));
      count += 2;
    }
  }
}
console.log(`wrote ${count} tray icons to ${outDir.pathname}`);
