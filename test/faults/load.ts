/** The bounded load phase: uploads beside many status pollers, on every node; each failed call is reported with its answer. */
import { randomBytes } from 'node:crypto';
import { MIGRATIONS, PROJECT, createFile, describe, exchange, slowUpload } from './client.js';
import { pick, type FaultContext } from './context.js';
import { sleep } from './nodes.js';
import { must } from '../support/must.js';

const LOAD_UPLOADS = 50;
const LOAD_POLLERS = 200;
const LOAD_MS = 15_000;

export async function loadPhase(ctx: FaultContext): Promise<void> {
  const deadline = Date.now() + LOAD_MS;
  let polls = 0;
  const failed = (detail: string) => ctx.report.fail('load errors', detail);
  const ids = (await ctx.db.selectFrom('imports').select(['id', 'package_id']).limit(20).execute()).map((row) => `${row.package_id}:${row.id}`);
  const uploads = Array.from({ length: LOAD_UPLOADS }, async (_, i) => {
    const base = must(ctx.urls[i % ctx.urls.length], 'at least one node URL');
    const bytes = randomBytes(256 * 1024);
    const file = await createFile(base, ctx.token, bytes).catch((error: unknown) => failed(error instanceof Error ? error.message : String(error)));
    if (!file) return;
    const answer = await slowUpload(base, ctx.token, file.id, bytes, 0);
    if (answer.status !== 200) failed(describe(answer));
  });
  const pollers = Array.from({ length: LOAD_POLLERS }, async (_, i) => {
    const base = must(ctx.urls[i % ctx.urls.length], 'at least one node URL');
    while (Date.now() < deadline) {
      const target = ids.length > 0 ? `${MIGRATIONS}/${pick(ids)}` : '/api/health';
      const answer = await exchange(base, 'GET', target, ctx.token, { headers: PROJECT });
      polls++;
      if (answer.status !== 200) failed(describe(answer));
      await sleep(50);
    }
  });
  await Promise.all([...uploads, ...pollers]);
  ctx.report.count('load: uploads', LOAD_UPLOADS);
  ctx.report.count('load: status polls', polls);
}
