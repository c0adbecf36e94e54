/**
 * Opening the store that the environment configures, for the command-line
 * tools: the same variables and the same schema migration as the service.
 */
import type { Writable } from 'node:stream';
import { loadConfig, type StoreConfig } from '../config.js';
import { openStore } from '../store/open-store.js';
import type { TemplateStore } from '../store/template-store.js';
import { CommandError, errorMessage } from './command.js';

/** Query parameters of a PostgreSQL URL that carry a secret (pg-connection-string reads both). */
const SECRET_PARAMETERS = ['password', 'sslpassword'];

/** Replaces the password of a database URL, in its user part or its query, with `***`, so the URL can be printed. */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(a PostgreSQL URL that cannot be parsed, not shown)';
  }
  if (parsed.password !== '') {
    parsed.password = '***';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMETERS.includes(name.toLowerCase())) {
      parsed.searchParams.set(name, '***');
    }
  }
  return parsed.toString();
}

/** Describes a store for messages: `sqlite:<absolute path>`, or the PostgreSQL URL without its password and with the schema. */
export function describeStore(config: StoreConfig): string {
  if (config.kind === 'sqlite') {
    return `sqlite:${config.path}`;
  }
  const url = redactDatabaseUrl(config.url);
  return config.schema === undefined ? url : `${url} (schema ${config.schema})`;
}

/** An open store and its description for messages. */
export interface ConfiguredStore {
  readonly store: TemplateStore;
  readonly description: string;
}

/**
 * Reads and validates the configuration in `env`, all of it as the service
 * does, and returns its store part. Raises `ConfigError` listing every
 * invalid variable.
 */
export function loadStoreConfig(env: Readonly<Record<string, string | undefined>>): StoreConfig {
  return loadConfig(env).store;
}

/**
 * Opens the configured store and migrates its schema as the service does at
 * start. Raises {@link CommandError} when the database cannot be opened.
 * Failures of idle PostgreSQL connections are reported on `stderr`.
 */
export async function openConfiguredStore(config: StoreConfig, stderr: Writable): Promise<ConfiguredStore> {
  const description = describeStore(config);
  try {
    const { store } = await openStore(config, (error) => {
      stderr.write(`warning: an idle PostgreSQL connection failed (${error.message}); the pool opens a new one.\n`);
    });
    return { store, description };
  } catch (error) {
    throw new CommandError(`Cannot open the store ${description}: ${errorMessage(error)}`, { cause: error });
  }
}
