/** HTTP plumbing: body parsing (JSON, multipart, form), auth headers, route matching, Discord-style errors. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface UploadedFile {
  /** The multipart field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string | null;
  data: Buffer;
}

export type RequestAuth =
  | { kind: 'bot'; token: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; id: string; secret: string }
  | { kind: 'invalid' }
  | null;

export interface SimRequest {
  method: string;
  /** Path after `/api` and the optional `/vN`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  auth: RequestAuth;
  /** JSON body, or `payload_json` of a multipart body; undefined without one. */
  json: unknown;
  /** Fields of an `application/x-www-form-urlencoded` body. */
  form: URLSearchParams | null;
  files: UploadedFile[];
  params: Record<string, string>;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An error answered the way Discord does: `{ message, code, errors? }`. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors === undefined ? {} : { errors: this.errors }) };
  }
}

export const invalidFormBody = (detail: string) =>
  new DiscordApiError(400, 50035, 'Invalid Form Body', { _errors: [{ code: 'BASE_TYPE_INVALID', message: detail }] });

/** `bot`: Bot token required; `bearer`: OAuth token; `either`: Bot or Bearer; `none`: unauthenticated (webhook tokens). */
export type AuthMode = 'bot' | 'bearer' | 'either' | 'none';

export interface SimRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: string;
  auth: AuthMode;
  handle(req: SimRequest): RouteResult | Promise<RouteResult>;
}

export interface CompiledRoute extends SimRoute {
  segments: string[];
}

export function compileRoutes(routes: SimRoute[]): CompiledRoute[] {
  return routes.map((route) => ({ ...route, segments: route.pattern.split('/').filter(Boolean) }));
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  outer: for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i += 1) {
      const segment = route.segments[i] ?? '';
      const part = decodeURIComponent(parts[i] ?? '');
      if (segment.startsWith(':')) params[segment.slice(1)] = part;
      else if (segment !== part) continue outer;
    }
    return { route, params };
  }
  return undefined;
}

export function parseAuth(header: string | undefined): RequestAuth {
  if (!header) return null;
  const [scheme, ...rest] = header.split(' ');
  const value = rest.join(' ').trim();
  if (!value) return { kind: 'invalid' };
  switch (scheme?.toLowerCase()) {
    case 'bot':
      return { kind: 'bot', token: value };
    case 'bearer':
      return { kind: 'bearer', token: value };
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return { kind: 'invalid' };
      return { kind: 'basic', id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    }
    default:
      return { kind: 'invalid' };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ParsedBody {
  json: unknown;
  form: URLSearchParams | null;
  files: UploadedFile[];
}

/** Parses a JSON, multipart/form-data (payload_json + files[n]) or form-encoded body. */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const raw = await readBody(req);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (raw.length === 0) return { json: undefined, form: null, files: [] };
  if (type.startsWith('application/json')) {
    try {
      return { json: JSON.parse(raw.toString('utf8')) as unknown, form: null, files: [] };
    } catch {
      throw new DiscordApiError(400, 50109, 'The request body contains invalid JSON.');
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { json: undefined, form: new URLSearchParams(raw.toString('utf8')), files: [] };
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://multipart.local/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: raw,
    }).formData();
    let json: unknown;
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            json = JSON.parse(value) as unknown;
          } catch {
            throw new DiscordApiError(400, 50109, 'The request body contains invalid JSON.');
          }
        }
        continue;
      }
      files.push({ field, filename: value.name, contentType: value.type || null, data: Buffer.from(await value.arrayBuffer()) });
    }
    return { json, form: null, files };
  }
  throw new DiscordApiError(400, 50035, `Unsupported content type ${type || '(none)'}`);
}

export function sendJson(res: ServerResponse, result: RouteResult): void {
  const headers: Record<string, string> = { ...result.headers };
  if (result.body === undefined) {
    res.writeHead(result.status, headers).end();
    return;
  }
  const text = JSON.stringify(result.body);
  headers['content-type'] = 'application/json';
  res.writeHead(result.status, headers).end(text);
}
