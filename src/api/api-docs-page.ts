/** The parts of an OpenAPI 3.1 document the page shows. */
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function parameters(op: Operation): string {
  if (!op.parameters?.length) return '';
  const rows = op.parameters.map(
    (p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td>${json(p.schema ?? {})}</td></tr>`,
  );
  return `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function body(op: Operation): string {
  const content = op.requestBody?.content;
  if (!content) return '';
  return Object.entries(content)
    .map(([type, { schema }]) => `<details><summary>body (${escapeHtml(type)})</summary>${json(schema ?? {})}</details>`)
    .join('');
}

function responses(op: Operation): string {
  return Object.entries(op.responses ?? {})
    .map(([status, r]) => {
      const schemas = Object.entries(r.content ?? {}).map(([type, { schema }]) => `<p>${escapeHtml(type)}</p>${json(schema ?? {})}`);
      return `<details><summary>${escapeHtml(status)} ${escapeHtml(r.description ?? '')}</summary>${schemas.join('')}</details>`;
    })
    .join('');
}

function operation(path: string, method: string, op: Operation): string {
  const tags = (op.tags ?? []).map((t) => ` <span class="tag">${escapeHtml(t)}</span>`).join('');
  const lock = op.security?.length ? ' <span class="tag">X-MSTR-AuthToken</span>' : '';
  return `<section><h3><code>${method.toUpperCase()} ${escapeHtml(path)}</code>${tags}${lock}</h3><p>${escapeHtml(op.summary ?? '')}</p>${parameters(op)}${body(op)}${responses(op)}</section>`;
}

/** A plain page (no scripts, nothing from other origins) of every call in the document. */
export function renderApiPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => operation(path, method, op)));
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}section{border-top:1px solid #ccc}pre{background:#f4f4f4;padding:.5rem;overflow:auto;margin:0}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem;text-align:left;vertical-align:top}.tag{font-size:.75rem;background:#e8e8f8;padding:.1rem .4rem;border-radius:.3rem}</style></head>
<body><main>
<h1>${escapeHtml(doc.info.title)} API <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? '')}</p>
<p>The same description as JSON: <a href="json">OpenAPI 3.1 document</a>.</p>
<h2>${operations.length} calls</h2>
${operations.join('\n')}
</main></body></html>
`;
}
