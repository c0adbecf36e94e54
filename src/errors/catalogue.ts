/**
 * The catalogue of every error the API returns: a stable `code`, the HTTP
 * status, and the title and detail in English and Chinese. Handlers throw
 * {@link ApiError} with a code from here; one error handler renders it.
 */

/** A language the API writes its messages in. */
export type Language = 'en' | 'zh';

/** Text in every supported language. */
export type LocalizedText = Readonly<Record<Language, string>>;

/** Parameters substituted into `{name}` placeholders of a message; text that differs by language is given per language. */
export type MessageParams = Readonly<Record<string, string | number | LocalizedText>>;

interface ProblemDefinition {
  readonly status: number;
  readonly title: LocalizedText;
  readonly detail: LocalizedText;
}

/** Every problem the API can return, keyed by its stable code. */
export const PROBLEMS = {
  invalid_json: {
    status: 400,
    title: { en: 'Invalid JSON', zh: 'JSON 格式无效' },
    detail: {
      en: 'The request body is not valid JSON: {reason}.',
      zh: '请求体不是有效的 JSON：{reason}。',
    },
  },
  bad_request: {
    status: 400,
    title: { en: 'Bad request', zh: '请求无效' },
    detail: { en: 'The request is malformed: {reason}.', zh: '请求格式错误：{reason}。' },
  },
  body_missing: {
    status: 400,
    title: { en: 'Request body missing', zh: '缺少请求体' },
    detail: {
      en: 'This request needs a JSON object as its body, and none was sent.',
      zh: '该请求需要一个 JSON 对象作为请求体，但未收到请求体。',
    },
  },
  unauthorized: {
    status: 401,
    title: { en: 'Unauthorized', zh: '未认证' },
    detail: {
      en: '{reason} Send a valid JWT as "Authorization: Bearer <token>".',
      zh: '{reason}请以 "Authorization: Bearer <token>" 的形式发送有效的 JWT。',
    },
  },
  forbidden: {
    status: 403,
    title: { en: 'Forbidden', zh: '禁止访问' },
    detail: { en: '{reason}', zh: '{reason}' },
  },
  not_found: {
    status: 404,
    title: { en: 'Job template not found', zh: '任务模板不存在' },
    detail: {
      en: 'No job template with ID "{id}" exists, or you may not see it.',
      zh: 'ID 为 "{id}" 的任务模板不存在，或您无权查看。',
    },
  },
  revision_not_found: {
    status: 404,
    title: { en: 'Revision not found', zh: '修订版本不存在' },
    detail: {
      en: 'Job template "{id}" has no revision "{revision}". Revisions are numbered from 1; list them with GET /api/workflow/job-templates/{id}/revisions.',
      zh: '任务模板 "{id}" 没有修订版本 "{revision}"。修订版本从 1 开始编号，可通过 GET /api/workflow/job-templates/{id}/revisions 列出。',
    },
  },
  route_not_found: {
    status: 404,
    title: { en: 'Not found', zh: '路径不存在' },
    detail: {
      en: 'No endpoint matches {method} {path}. The API reference is at /docs.',
      zh: '没有与 {method} {path} 匹配的接口。API 参考文档位于 /docs。',
    },
  },
  name_conflict: {
    status: 409,
    title: { en: 'Name already in use', zh: '名称已被使用' },
    detail: {
      en: 'A job template named "{name}" already exists in {scope}. Choose another name.',
      zh: '{scope}中已存在名为 "{name}" 的任务模板，请使用其他名称。',
    },
  },
  revision_limit_reached: {
    status: 409,
    title: { en: 'Revision limit reached', zh: '修订版本数已达上限' },
    detail: {
      en: 'Job template "{id}" is at revision 2147483647, the largest the store keeps, so it cannot be changed again. Create a copy under a new name.',
      zh: '任务模板 "{id}" 已到第 2147483647 个修订版本，即存储所能保存的最大值，无法再修改。请以新名称创建一个副本。',
    },
  },
  precondition_failed: {
    status: 412,
    title: { en: 'Precondition failed', zh: '前置条件不满足' },
    detail: {
      en: 'The If-Match value {ifMatch} does not match the current ETag of job template "{id}". {reason}',
      zh: 'If-Match 的值 {ifMatch} 与任务模板 "{id}" 当前的 ETag 不一致。{reason}',
    },
  },
  request_timeout: {
    status: 408,
    title: { en: 'Request timeout', zh: '请求超时' },
    detail: {
      en: 'The request was not received completely in time, so the connection is closed. Send the whole request without pauses.',
      zh: '未能及时收到完整的请求，连接已关闭。请不间断地发送完整请求。',
    },
  },
  headers_too_large: {
    status: 431,
    title: { en: 'Request headers too large', zh: '请求头过大' },
    detail: {
      en: 'The request line and headers are larger than the server accepts (16 KiB). Shorten the URL or the headers.',
      zh: '请求行和请求头超过了服务器可接受的大小（16 KiB），请缩短 URL 或请求头。',
    },
  },
  body_too_large: {
    status: 413,
    title: { en: 'Request body too large', zh: '请求体过大' },
    detail: {
      en: 'The request body is larger than the limit of {limit} bytes.',
      zh: '请求体超过了 {limit} 字节的上限。',
    },
  },
  unsupported_media_type: {
    status: 415,
    title: { en: 'Unsupported media type', zh: '不支持的媒体类型' },
    detail: {
      en: 'The Content-Type "{contentType}" is not supported. Send the body as "application/json".',
      zh: '不支持 Content-Type "{contentType}"，请以 "application/json" 发送请求体。',
    },
  },
  validation_failed: {
    status: 422,
    title: { en: 'Validation failed', zh: '校验失败' },
    detail: {
      en: 'The request is invalid: {count} problem(s) found. See "errors" for each field.{note}',
      zh: '请求无效：发现 {count} 处问题，详见 "errors" 中每个字段的说明。{note}',
    },
  },
  too_many_requests: {
    status: 429,
    title: { en: 'Too many requests', zh: '请求过多' },
    detail: {
      en: 'The rate limit of {limit} requests per minute was exceeded. Retry after {retryAfter} seconds.',
      zh: '已超过每分钟 {limit} 次请求的速率限制，请在 {retryAfter} 秒后重试。',
    },
  },
  internal_error: {
    status: 500,
    title: { en: 'Internal server error', zh: '服务器内部错误' },
    detail: {
      en: 'The server failed to process the request. Report the request_id to the operators.',
      zh: '服务器处理请求失败，请将 request_id 提供给运维人员。',
    },
  },
  service_unavailable: {
    status: 503,
    title: { en: 'Service unavailable', zh: '服务不可用' },
    detail: {
      en: 'The template store is unavailable or busy. Retry in a few seconds.',
      zh: '模板存储暂时不可用或繁忙，请稍后重试。',
    },
  },
} as const satisfies Record<string, ProblemDefinition>;

/** A stable problem code such as `validation_failed`. */
export type ProblemCode = keyof typeof PROBLEMS;

/** Messages of the entries in a 422 problem's `errors` list, keyed by their code. */
export const FIELD_MESSAGES = {
  required: {
    en: 'is required.',
    zh: '为必填项。',
  },
  not_nullable: {
    en: 'must not be null; omit the field to keep its value.',
    zh: '不能为 null；如需保留原值请省略该字段。',
  },
  unknown_field: {
    en: 'is not a known field. Remove it or check its spelling.',
    zh: '不是可识别的字段，请删除或检查拼写。',
  },
  health_check_not_supported: {
    en: 'is not supported: job template containers do not support health checks (liveness_probe, readiness_probe, startup_probe).',
    zh: '不受支持：任务模板容器不支持健康检查 (liveness_probe、readiness_probe、startup_probe)。',
  },
  read_only: {
    en: 'is read-only and set by the server; remove it from the body.',
    zh: '为只读字段，由服务器设置，请从请求体中删除。',
  },
  invalid_type: {
    en: 'must be {expected}.',
    zh: '必须是{expected}。',
  },
  invalid_value: {
    en: 'has the value {value}; allowed values are {allowed}.',
    zh: '的值为 {value}；允许的值为 {allowed}。',
  },
  too_short: {
    en: 'must have at least {limit} character(s).',
    zh: '至少需要 {limit} 个字符。',
  },
  too_long: {
    en: 'has {actual} characters; at most {limit} are allowed.',
    zh: '有 {actual} 个字符，最多允许 {limit} 个。',
  },
  too_few_items: {
    en: 'must have at least {limit} item(s).',
    zh: '至少需要 {limit} 项。',
  },
  too_many_items: {
    en: 'has {actual} items; at most {limit} are allowed.',
    zh: '有 {actual} 项，最多允许 {limit} 项。',
  },
  out_of_range: {
    en: 'is {value}; it must be between {min} and {max}.',
    zh: '的值为 {value}，必须在 {min} 到 {max} 之间。',
  },
  invalid_format: {
    en: 'has the value {value}, which is invalid: it must be {format}.',
    zh: '的值 {value} 无效：必须是{format}。',
  },
  invalid_format_secret: {
    en: 'is invalid: it must be {format}.',
    zh: '无效：必须是{format}。',
  },
  invalid_text: {
    en: 'contains {problem}, which is not allowed.',
    zh: '包含{problem}，这是不允许的。',
  },
  duplicate: {
    en: 'has the value {value}, which is already used by {other}; it must be unique.',
    zh: '的值 {value} 已被 {other} 使用，必须唯一。',
  },
  scope_requires_project: {
    en: 'is required when scope is "project".',
    zh: '当 scope 为 "project" 时为必填项。',
  },
  global_forbids_project: {
    en: 'must be absent or null when scope is "global"; send "project_id": null to move a template to the global scope.',
    zh: '当 scope 为 "global" 时必须省略或为 null；将模板移至全局范围时请同时发送 "project_id": null。',
  },
  request_exceeds_limit: {
    en: 'is {request}, which is more than the limit {limit}; a request must not exceed its limit.',
    zh: '为 {request}，大于上限 {limit}；请求值不能超过上限值。',
  },
  invalid_quantity: {
    en: 'has the value {value}, which is not a valid Kubernetes quantity such as "500m", "1", "1.5", "2Gi" or "1e3" ({reason}).',
    zh: '的值 {value} 不是有效的 Kubernetes 数量，例如 "500m"、"1"、"1.5"、"2Gi" 或 "1e3"（{reason}）。',
  },
  not_whole_number: {
    en: 'is {value}; GPUs can only be requested in whole numbers.',
    zh: '为 {value}；GPU 只能按整数申请。',
  },
  invalid_label_key: {
    en: 'has the key {value}, which is invalid: it must be {format}.',
    zh: '的键 {value} 无效：必须是{format}。',
  },
  invalid_label_selector: {
    en: 'is not a valid label selector: {reason}. Use comma-separated key=value, key!=value, key or !key.',
    zh: '不是有效的标签选择器：{reason}。请使用逗号分隔的 key=value、key!=value、key 或 !key。',
  },
  unknown_container: {
    en: 'names a container that the template does not have; its containers are {containers}.',
    zh: '指向模板中不存在的容器；模板的容器为 {containers}。',
  },
  repeated_parameter: {
    en: 'is given more than once; give it once.',
    zh: '出现了多次，只能提供一次。',
  },
  conflicting_parameters: {
    en: 'cannot be combined with scope=global: global templates belong to no project.',
    zh: '不能与 scope=global 同时使用：全局模板不属于任何项目。',
  },
} as const satisfies Record<string, LocalizedText>;

/** A stable code of one entry in a 422 problem's `errors` list. */
export type FieldErrorCode = keyof typeof FIELD_MESSAGES;

/** Fills the `{name}` placeholders of a message with its parameters in the given language. */
export function formatMessage(template: string, params: MessageParams, language: Language): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) {
      return placeholder;
    }
    return typeof value === 'object' ? value[language] : String(value);
  });
}
