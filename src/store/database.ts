import type { ColumnType } from 'kysely';

/** Row of the job_templates table as the database returns it. */
export interface JobTemplateRow {
  id: string;
  name: string;
  /** Case-folded name, for the case-insensitive name filter. */
  name_folded: string;
  scope: 'global' | 'project';
  project_id: string | null;
  /** The project ID, or '' for global templates; part of the name-uniqueness index. */
  project_key: string;
  description: string | null;
  /** JSON text on SQLite; jsonb, read back as an object, on PostgreSQL. */
  containers: ColumnType<unknown, string, string>;
  ttl_seconds_after_finished: ColumnType<number | string, number, number>;
  backoff_limit: ColumnType<number | string, number, number>;
  created_by: string;
  updated_by: string;
  /** Text on SQLite; timestamptz, read back as a Date, on PostgreSQL. */
  created_at: ColumnType<string | Date, string, string>;
  updated_at: ColumnType<string | Date, string, string>;
  revision: number;
  /** JSON object of label keys and values, like containers. */
  labels: ColumnType<unknown, string, string>;
  /** The template's API representation as JSON text; null only before migration 0003 backfilled it. */
  body: string | null;
}

/** One label of a template, for the label selector. */
export interface JobTemplateLabelRow {
  template_id: string;
  key: string;
  value: string;
}

/** One immutable revision of a template. */
export interface JobTemplateRevisionRow {
  template_id: string;
  revision: number;
  updated_by: string;
  updated_at: ColumnType<string | Date, string, string>;
  /** The whole template as it was, as JSON. */
  template: ColumnType<unknown, string, string>;
}

/** Templates per project key ('' for global ones), kept by triggers; SQLite only. */
export interface JobTemplateCountRow {
  project_key: string;
  templates: number;
}

/** The integer key of a template in the trigram name index; SQLite only. */
export interface JobTemplateSearchKeyRow {
  search_key: number;
  template_id: string;
}

/** The database schema, typed for Kysely. */
export interface Database {
  job_templates: JobTemplateRow;
  job_template_labels: JobTemplateLabelRow;
  job_template_revisions: JobTemplateRevisionRow;
  job_template_counts: JobTemplateCountRow;
  job_template_search_keys: JobTemplateSearchKeyRow;
}
