// `packstore --help` and `packstore --version` from the compiled build (bin/packstore.js runs dist/), against a bare
// `node -e 0` measured in the same run: the ratio is what counts (the aim is 5x or less), the times vary with load.
// `npm run bench:start` compiles first. BENCH_RUNS sets the runs per command (15).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/packstore.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function medianMs(args: string[]): number {
  const times: number[] = [];
  execFileSync(process.execPath, args); // warms the file cache
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  // No runs, no median.
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const baseline = medianMs(['-e', '0']);
console.log(`node ${process.version}, median of ${RUNS} runs`);
console.log(`node -e 0            ${baseline.toFixed(0)} ms`);
for (const flag of ['--help', '--version']) {
  const ms = medianMs([BIN, flag]);
  console.log(`packstore ${flag.padEnd(10)} ${ms.toFixed(0)} ms → ${(ms / baseline).toFixed(1)}x (aim ≤ 5x)`);
}
