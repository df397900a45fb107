import type { SharedFile } from '../api/types.js';
import { Link } from '../components/Link.js';
import { words } from '../format.js';
import { hrefOf } from '../router.js';

/** "Imported into …": the projects this file went into, each a link to its migration. */
export function ImportedInto({ file }: { file: SharedFile }) {
  const into = file.importedInto ?? [];
  if (into.length === 0) return <>Not imported</>;
  return (
    <ul class="plain">
      {into.map((i) => (
        <li key={i.migrationId}>
          <Link href={hrefOf({ page: 'migration', id: i.migrationId })}>{i.project?.name ?? 'Configuration'}</Link> ({words(i.status).toLowerCase()})
        </li>
      ))}
    </ul>
  );
}
