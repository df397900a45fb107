import type { EnvironmentBadge as Badge } from '../api/types.js';

/** The page title names the environment first, so that tabs and windows of two environments are told apart. */
export function titleOf(page: string, environment: Badge | undefined): string {
  if (!environment) return `${page} — Packstore console`;
  return `${environment.production ? 'PRODUCTION · ' : ''}${environment.name} · ${page} — Packstore console`;
}

/** Where you are: the environment's name on its colour, and a production mark that cannot be missed. */
export function EnvironmentBadge({ environment }: { environment: Badge | undefined }) {
  if (!environment) return null;
  return (
    <p class="environment" data-testid="environment-badge">
      <span class="environment-name" style={{ background: environment.colour }}>
        <span class="visually-hidden">Environment: </span>
        {environment.name}
      </span>
      {environment.production ? <strong class="production">Production</strong> : null}
    </p>
  );
}
