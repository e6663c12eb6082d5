// Writing JSON answers and errors, and reading JSON bodies with a size limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodError } from 'zod';
import { type ErrorBody, HTTP_STATUS } from '../../shared/errors.ts';
import { AppError } from '../errors.ts';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function fieldsOf(error: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.message;
    fields[key] = [...(fields[key] ?? []), message];
  }
  return fields;
}

export function validationError(error: ZodError): AppError {
  return new AppError('VALIDATION_FAILED', 'the request is not valid', fieldsOf(error));
}

export function sendError(res: ServerResponse, error: AppError) {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.fields) body.error.fields = error.fields;
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds) headers['retry-after'] = String(error.retryAfterSeconds);
  sendJson(res, HTTP_STATUS[error.code], body, headers);
}

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes)
      throw new AppError('PAYLOAD_TOO_LARGE', `body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AppError('VALIDATION_FAILED', 'a JSON body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'body is not valid JSON');
  }
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  return match?.[1] ?? null;
}
