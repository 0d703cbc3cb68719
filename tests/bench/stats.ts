/** Summary figures for one measurement: median and 95th percentile (nearest rank), in ms. */
export interface Summary {
  name: string;
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function summarise(name: string, samples: number[]): Summary {
  if (samples.length === 0) throw new Error(`no samples for ${name}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    name,
    runs: sorted.length,
    median: round(rank(0.5)),
    p95: round(rank(0.95)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted.at(-1) ?? NaN),
  };
}

export interface Comparison {
  measurement: string;
  app: Summary;
  native?: Summary;
}

/** A Markdown table: the app's figures beside the native baresip reference and their ratio. */
export function markdownReport(comparisons: Comparison[], notes: string[]): string {
  const rows = comparisons.map(({ measurement, app, native }) => {
    const ratio = native && native.median > 0 ? `${(app.median / native.median).toFixed(1)}×` : '–';
    const nativeCells = native ? `${native.median} | ${native.p95}` : '– | –';
    return `| ${measurement} | ${app.runs} | ${app.median} | ${app.p95} | ${nativeCells} | ${ratio} |`;
  });
  return [
    '# Ringline benchmark',
    '',
    '| measurement (ms) | runs | app median | app p95 | native median | native p95 | app / native |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
