import type { Command } from 'commander';
import { isGuid } from '../domain/ids.js';
import { TUTORIAL_PROJECT_ID } from '../domain/objects.js';
import { MAX_SEED_OBJECTS, growProject } from '../store/metadata/seed-generator.js';
import { withEnvironment } from './users.js';

interface SeedOptions {
  objects: string;
  project: string;
  dataDir: string;
  config?: string;
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('grow a project with generated objects (deterministic; running it again with the same count changes nothing)')
    .requiredOption('--objects <n>', `the number of objects the project should hold (up to ${MAX_SEED_OBJECTS})`)
    .option('--project <id>', 'the project to grow; created when it does not exist', TUTORIAL_PROJECT_ID)
    .option('--data-dir <dir>', 'data dir of the environment', './data')
    .option('--config <file>', 'a configOverride.properties file')
    .action(async (opts: SeedOptions) => {
      const objects = Number(opts.objects);
      if (!/^\d+$/.test(opts.objects) || objects > MAX_SEED_OBJECTS)
        throw new Error(`--objects must be an integer from 0 to ${MAX_SEED_OBJECTS}, not ${opts.objects}`);
      if (!isGuid(opts.project)) throw new Error(`--project must be a project id (32 upper-case hex characters), not ${opts.project}`);
      await withEnvironment(opts, async (env) => {
        const result = await growProject(env.ctx.metadata, {
          projectId: opts.project,
          objects,
          onProgress: (count) => process.stderr.write(`\r${count} objects`),
        });
        if (result.created > 0) process.stderr.write('\n');
        process.stdout.write(`project ${opts.project}: ${result.before} → ${result.after} objects (${result.created} created)\n`);
      });
    });
}
