import { CONFIGURATION_PROJECT_ID, CONFIGURATION_ROOT_FOLDER_ID } from '../../domain/objects.js';
import { buildTutorialContent } from '../../domain/tutorial/build.js';
import type { MetadataRepository } from './repository.js';

/**
 * First start: the Tutorial project and the environment's configuration objects. Parts that exist
 * are left alone, so later changes by users survive restarts.
 */
export async function seedTutorial(metadata: MetadataRepository): Promise<void> {
  const content = buildTutorialContent();
  await metadata.transaction(async (repo) => {
    if (!(await repo.getObject(CONFIGURATION_PROJECT_ID, CONFIGURATION_ROOT_FOLDER_ID))) {
      await repo.upsertObjects(CONFIGURATION_PROJECT_ID, content.configurationObjects);
    }
    if (!(await repo.getProject(content.project.id))) {
      await repo.createProject(content.project);
      await repo.upsertObjects(content.project.id, content.projectObjects);
    }
  });
}
