// Runs @doyensec/electronegativity over the Electron main/preload sources and the renderer pages and
// fails on any finding. The tool always exits 0, so this reads its SARIF report instead. A finding we
// accept is suppressed where it occurs with an `eng-disable` comment that says why.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '../..');
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const work = mkdtempSync(join(tmpdir(), 'ringline-electronegativity-'));
const findings = [];
try {
  // One input holding both folders: the global checks (CSP, navigation limits, permission handler)
  // look for their evidence across main and the pages together.
  const input = join(work, 'app');
  for (const folder of ['electron', 'renderer'])
    cpSync(join(root, folder), join(input, folder), { recursive: true });
  const report = join(work, 'report.sarif');
  execFileSync(
    join(root, 'node_modules/.bin/electronegativity'),
    ['-i', input, '-e', electronVersion, '-o', report, '-v', 'false'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  {
    for (const run of JSON.parse(readFileSync(report, 'utf8')).runs) {
      for (const result of run.results) {
        const location = result.locations?.[0]?.physicalLocation;
        const file = relative(input, location?.artifactLocation?.uri ?? '?');
        findings.push(
          `${result.ruleId} ${file}:${location?.region?.startLine ?? '?'} ${result.message?.text ?? ''}`,
        );
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (findings.length > 0) {
  console.error(
    `electronegativity: ${findings.length} finding(s):\n${findings.map((f) => `  ${f}`).join('\n')}`,
  );
  process.exit(1);
}
console.log('electronegativity: 0 findings (electron/, renderer/)');
