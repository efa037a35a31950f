import { fieldProblem, issueText, type Localized } from '@kuzet/protocol';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

/** Every route declares its inputs as zod schemas; they also feed the OpenAPI document. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  roles: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
}

export const routes: RouteSpec[] = [];

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Validates params/query/body against the spec; a bad request is a 400 listing the problems: in English
 * (`problems`: "body.password: shorter than 10 characters") and in kk, ru and en (`problemsLocalized`, the field as
 * the form names it: "password: …"), as every refusal that lists problems does (protocol/src/problems.ts).
 */
export function validate(spec: RouteSpec) {
  routes.push(spec);
  return (req: Request, res: Response, next: NextFunction) => {
    const problems: string[] = [];
    const problemsLocalized: Localized[] = [];
    const check = (schema: z.ZodType | undefined, value: unknown, where: string) => {
      if (!schema) return value;
      const r = schema.safeParse(value ?? {}, { reportInput: true });
      if (r.success) return r.data;
      for (const i of r.error.issues) {
        const field = i.path.join('.');
        problems.push(`${where}${field ? `.${field}` : ''}: ${issueText(i).en}`);
        problemsLocalized.push(fieldProblem(field || where, i));
      }
      return undefined;
    };
    const params = check(spec.params, req.params, 'params');
    const query = check(spec.query, req.query, 'query');
    const body = check(spec.body, req.body, 'body');
    if (problems.length) return void res.status(400).json({ error: 'invalid request', problems, problemsLocalized });
    res.locals.params = params;
    res.locals.query = query;
    res.locals.body = body;
    next();
  };
}

/** OpenAPI 3.1 document generated from the route specs' zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  for (const r of routes) {
    const path = `/api/v1${r.path}`.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      for (const [name, s] of Object.entries(schema.shape)) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !(s as z.ZodType).safeParse(undefined).success,
          schema: json(s as z.ZodType),
        });
      }
    }
    paths[path] ??= {};
    paths[path]![r.method] = {
      summary: r.summary,
      description: `Roles: ${r.roles}`,
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body) } } } } : {}),
      responses: {
        '200': {
          description: 'OK',
          ...(r.response ? { content: { 'application/json': { schema: json(r.response) } } } : {}),
        },
        '400': { description: 'invalid request' },
        '401': { description: 'login required' },
        '403': { description: 'not allowed for this role' },
        '404': { description: 'not found (or outside your scope)' },
      },
    };
  }
  return { openapi: '3.1.0', info: { title: 'Kuzet API', version: '1' }, paths };
}
