import type { Command } from 'commander';
import { styleText } from 'node:util';
import type { Diff, DiffChange } from '../../api/contract/diffs.js';
import { DIFF_ACTIONS } from '../../api/contract/diffs.js';
import { collect, emit, openSession, usage, withClientOptions, type ClientOptions } from './command-kit.js';
import { MIGRATIONS, projectHeader, resolveProject } from './migrations.js';
import type { Session } from './session.js';

const MIGRATION_ID = /^[0-9A-F]{32}:[0-9A-F]{32}$/;
const POLL_MS = 250;
/** Objects printed per page (every page is printed; --json prints them all as one list). */
const PAGE = 500;

interface DiffOptions extends ClientOptions {
  project?: string;
  type: string[];
  action: string[];
  undo?: boolean;
}

type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

/** Colours only on a terminal, and never when NO_COLOR is set. */
const painter = (): Paint => (process.stdout.isTTY && !process.env.NO_COLOR ? (format, text) => styleText(format, text) : (_format, text) => text);

const ACTION_COLOUR: Record<string, Parameters<typeof styleText>[0]> = {
  create: 'green',
  replace: 'yellow',
  move: 'cyan',
  copy: 'blue',
  delete: 'red',
  keep: 'gray',
  skip: 'gray',
};

const show = (value: unknown) => (value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

function changeLine(change: DiffChange, paint: Paint): string {
  return `    ${change.field}: ${paint('red', show(change.before))} → ${paint('green', show(change.after))}`;
}

/** Waits while a large diff runs (202), then returns its page. */
async function page(session: Session, id: string, query: string): Promise<Diff> {
  for (;;) {
    const diff = (await session.json('GET', `${MIGRATIONS}/diff/${id}?${query}`)) as unknown as Diff;
    if (diff.status !== 'running') return diff;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function summaryText(diff: Diff, paint: Paint): string {
  const summary = diff.summary;
  if (!summary) return `${diff.id}: ${diff.status}${diff.message ? `: ${diff.message}` : ''}`;
  const actions = DIFF_ACTIONS.filter((a) => (summary.byAction[a] ?? 0) > 0).map((a) => paint(ACTION_COLOUR[a] ?? 'white', `${a} ${summary.byAction[a]}`));
  const types = Object.entries(summary.byType).map(([t, n]) => `type ${t}: ${n}`);
  return [`diff ${diff.id}: ${summary.total} objects`, `  by action: ${actions.join(', ') || 'none'}`, `  by type: ${types.join(', ') || 'none'}`].join('\n');
}

export function registerDiff(migrations: Command): void {
  withClientOptions(
    migrations
      .command('diff <fileIdOrMigrationId>')
      .description("what importing a package (an uploaded file or a migration's) would change in a project, object by object")
      .option('--project <nameOrId>', "the target project (an undo diff uses its import's)")
      .option('--type <types>', 'only these object types, e.g. 4,12 (repeatable)', collect, [])
      .option('--action <actions>', `only these actions: ${DIFF_ACTIONS.join(', ')} (repeatable)`, collect, [])
      .option('--undo', 'what undoing the migration would restore'),
  ).action(async (source: string, options: DiffOptions, command: Command) => {
    const actions = options.action.flatMap((a) => a.split(',')).map((a) => a.trim());
    const bad = actions.find((a) => !(DIFF_ACTIONS as readonly string[]).includes(a));
    if (bad) usage(command, `--action must be one of ${DIFF_ACTIONS.join(', ')}; got ${bad}`);
    const types = options.type.flatMap((t) => t.split(',')).map((t) => t.trim());
    if (!types.every((t) => /^\d{1,6}$/.test(t))) usage(command, `--type takes object type numbers such as 4,12; got ${options.type.join(',')}`);
    const isMigration = MIGRATION_ID.test(source);
    if (options.undo && !isMigration) usage(command, '--undo needs a migration id (<packageId>:<importId>)');
    if (!options.project && !isMigration) usage(command, '--project is required for an uploaded file');
    const session = await openSession(options);
    const project = options.project ? await resolveProject(session, options.project) : undefined;
    const packageInfo = isMigration ? { id: source } : { storage: { sharedFileStore: { files: { id: source } } } };
    const started = (await session.json('POST', `${MIGRATIONS}/diff?limit=0`, {
      headers: projectHeader(project),
      json: { packageInfo, ...(project ? { importInfo: { project: { id: project.id } } } : {}), ...(options.undo ? { undo: true } : {}) },
    })) as unknown as Diff;
    const filter = [...actions.map((a) => `action=${a}`), ...types.map((t) => `type=${t}`)];
    const objects: NonNullable<Diff['objects']> = [];
    let last = await page(session, started.id, [...filter, `offset=0`, `limit=${PAGE}`].join('&'));
    const paint = painter();
    const lines: string[] = [summaryText(last, paint)];
    for (;;) {
      const rows = last.objects ?? [];
      objects.push(...rows);
      for (const o of rows) {
        lines.push(
          `${paint(ACTION_COLOUR[o.action] ?? 'white', o.action.padEnd(7))} ${o.id}  ${o.name} (type ${o.type})${o.blocked ? paint('red', `  blocked: ${o.blocked}`) : ''}`,
        );
        for (const c of o.changes) if (o.action !== 'keep') lines.push(changeLine(c, paint));
      }
      if (rows.length === 0 || objects.length >= (last.total ?? 0)) break;
      last = await page(session, started.id, [...filter, `offset=${objects.length}`, `limit=${PAGE}`].join('&'));
    }
    if (last.stale)
      process.stderr.write(
        `packstore: warning: the target changed since this diff was taken (fingerprint ${last.targetFingerprint} → ${last.currentFingerprint}); diff again before importing\n`,
      );
    emit(options, { ...last, objects }, lines.join('\n'));
  });
}
