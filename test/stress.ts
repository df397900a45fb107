/**
 * Stress run (npm run test:stress): the whole test suite and the fault suite, several times, with
 * two CPU-bound processes beside them, so that timing assumptions that only hold on an idle
 * machine show up. Exits 1 if any run fails, naming each failed run.
 *
 * STRESS_RUNS sets how many times (3); STRESS_SCRIPTS the npm scripts to run, comma-separated
 * ("test,test:faults").
 */
import { spawn, type ChildProcess } from 'node:child_process';

const RUNS = Number(process.env.STRESS_RUNS ?? 3);
const SCRIPTS = (process.env.STRESS_SCRIPTS ?? 'test,test:faults')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const BUSY_LOOPS = 2;

if (!Number.isInteger(RUNS) || RUNS < 1 || SCRIPTS.length === 0) {
  process.stderr.write('STRESS_RUNS must be a positive integer and STRESS_SCRIPTS must name at least one npm script.\n');
  process.exit(2);
}

/** A process that keeps one core busy until it is killed. */
function busyLoop(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

/** Runs `npm run <script>` with its output shown; resolves with how it ended. */
function npmRun(script: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script], { stdio: 'inherit' });
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(code === 0 ? undefined : `exited with ${signal ?? `code ${code}`}`));
  });
}

const loops = Array.from({ length: BUSY_LOOPS }, busyLoop);
const stopLoops = () => {
  for (const loop of loops) loop.kill('SIGKILL');
};
process.once('exit', stopLoops);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const failures: string[] = [];
const results: string[] = [];
for (let run = 1; run <= RUNS; run++) {
  for (const script of SCRIPTS) {
    const started = Date.now();
    process.stdout.write(`\n=== stress run ${run}/${RUNS}: npm run ${script} (beside ${BUSY_LOOPS} busy processes) ===\n`);
    const failure = await npmRun(script);
    const line = `run ${run}/${RUNS} npm run ${script}: ${failure ?? 'passed'} (${Math.round((Date.now() - started) / 1000)} s)`;
    results.push(line);
    if (failure) failures.push(line);
  }
}
stopLoops();

process.stdout.write(`\n=== stress summary ===\n${results.join('\n')}\n`);
if (failures.length > 0) {
  process.stdout.write(`\nFAILED runs (${failures.length}):\n${failures.join('\n')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`\nall ${results.length} runs passed\n`);
}
