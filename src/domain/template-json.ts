/**
 * The JSON text of templates as the API sends it. Fields always appear in the
 * order of the response schema, containers' fields included, so that the
 * text is the same whichever path produced it: a fresh write, a row read back
 * or a cache.
 */
import type { ListJson } from '../store/template-store.js';
import type { ContainerConfig, JobTemplate, ResourceRequirements } from './template-schema.js';

type ResourceList = NonNullable<ResourceRequirements['requests']>;

function canonicalResourceList(list: ResourceList): ResourceList {
  const result: ResourceList = {};
  if (list.cpu !== undefined) {
    result.cpu = list.cpu;
  }
  if (list.memory !== undefined) {
    result.memory = list.memory;
  }
  if (list['nvidia.com/gpu'] !== undefined) {
    result['nvidia.com/gpu'] = list['nvidia.com/gpu'];
  }
  return result;
}

/** Returns a container with its fields, and those of its resources, in the schema's order. */
export function canonicalContainer(container: ContainerConfig): ContainerConfig {
  const result: ContainerConfig = { name: container.name, image: container.image };
  if (container.command !== undefined) {
    result.command = container.command;
  }
  if (container.args !== undefined) {
    result.args = container.args;
  }
  if (container.env_vars !== undefined) {
    result.env_vars = container.env_vars.map((envVar) => ({ name: envVar.name, value: envVar.value ?? '' }));
  }
  if (container.working_dir !== undefined) {
    result.working_dir = container.working_dir;
  }
  if (container.image_pull_policy !== undefined) {
    result.image_pull_policy = container.image_pull_policy;
  }
  if (container.resources !== undefined) {
    const resources: ResourceRequirements = {};
    if (container.resources.requests !== undefined) {
      resources.requests = canonicalResourceList(container.resources.requests);
    }
    if (container.resources.limits !== undefined) {
      resources.limits = canonicalResourceList(container.resources.limits);
    }
    result.resources = resources;
  }
  return result;
}

/** Serializes a template to the JSON text of its API representation. */
export function serializeTemplate(template: JobTemplate): string {
  const representation: JobTemplate = {
    id: template.id,
    name: template.name,
    description: template.description,
    scope: template.scope,
    project_id: template.project_id,
    containers: template.containers.map(canonicalContainer),
    ttl_seconds_after_finished: template.ttl_seconds_after_finished,
    backoff_limit: template.backoff_limit,
    labels: template.labels,
    revision: template.revision,
    created_by: template.created_by,
    updated_by: template.updated_by,
    created_at: template.created_at,
    updated_at: template.updated_at,
  };
  return JSON.stringify(representation);
}

const serialized = new WeakMap<JobTemplate, string>();

/** Remembers the JSON text of a template object, for a store that read it ready-made. */
export function rememberTemplateJson(template: JobTemplate, json: string): void {
  serialized.set(template, json);
}

/** Returns the JSON text of a template, serializing it once per template object. */
export function templateJson(template: JobTemplate): string {
  let json = serialized.get(template);
  if (json === undefined) {
    json = serializeTemplate(template);
    serialized.set(template, json);
  }
  return json;
}

/** Serializes a page of templates, given as JSON texts, to the list response. */
export function serializeTemplateList(total: number, items: readonly string[]): string {
  return `{"total":${total},"items":[${items.join(',')}]}`;
}

const listBodies = new WeakMap<ListJson, Buffer>();

/**
 * Returns the list response of a page as UTF-8 bytes. The bytes are kept as
 * long as the page object lives, so that a page from the store's page cache is
 * joined and encoded once however often it is sent.
 */
export function listResponseBody(page: ListJson): Buffer {
  let body = listBodies.get(page);
  if (body === undefined) {
    body = Buffer.from(serializeTemplateList(page.total, page.items));
    listBodies.set(page, body);
  }
  return body;
}
