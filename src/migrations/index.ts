import type { Migration, MigrationProvider } from 'kysely';
import { createJobTemplates } from './0001-create-job-templates.js';
import { addLabelsAndRevisions } from './0002-add-labels-and-revisions.js';
import { addTemplateBody } from './0003-add-template-body.js';
import { addSearchIndex } from './0004-add-search-index.js';
import { coverListPages } from './0005-cover-list-pages.js';
import { countTemplatesPerProject } from './0006-count-templates-per-project.js';
import { indexNameTrigrams } from './0007-index-name-trigrams.js';

/** The SQL dialects the migrations are written for. */
export type MigrationDialect = 'sqlite' | 'postgres';

/**
 * Provides the migrations, in order, for one dialect. Each migration is a
 * function of the dialect so that one set serves both databases.
 */
export class TemplateMigrationProvider implements MigrationProvider {
  readonly #dialect: MigrationDialect;

  constructor(dialect: MigrationDialect) {
    this.#dialect = dialect;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-create-job-templates': createJobTemplates(this.#dialect),
      '0002-add-labels-and-revisions': addLabelsAndRevisions(this.#dialect),
      '0003-add-template-body': addTemplateBody(this.#dialect),
      '0004-add-search-index': addSearchIndex(this.#dialect),
      '0005-cover-list-pages': coverListPages(this.#dialect),
      '0006-count-templates-per-project': countTemplatesPerProject(this.#dialect),
      '0007-index-name-trigrams': indexNameTrigrams(this.#dialect),
    };
  }
}
