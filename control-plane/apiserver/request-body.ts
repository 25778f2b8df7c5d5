/**
 * Reading and decoding request bodies. Bodies are capped at 3 MiB like Kubernetes'
 * (MaxRequestBodyBytes): past the cap reading stops and the request fails with 413 rather
 * than buffering the rest. JSON and YAML decode to plain JSON values, within depth and alias
 * bounds (bounded-json.ts, bounded-yaml.ts).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from '../../api/errors';
import { parseBoundedJson } from './bounded-json';
import { parseBoundedYaml, YamlBodyError } from './bounded-yaml';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError('TooLarge', `Request entity too large: limit is ${limit}`);
}

/** Resolves with the whole body, or rejects with TooLarge as soon as it passes `limit`. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      cleanup();
      req.pause();
      reject(tooLarge(limit));
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** A decoded body and what strict decoding would refuse in it (duplicate keys). */
export interface ParsedBody {
  value: unknown;
  strictErrors: string[];
}

/** Parses a JSON body, bounded in depth; the messages are the apiserver's decoder's. */
export function parseJsonBody(body: Buffer): ParsedBody {
  try {
    const parsed = parseBoundedJson(body.toString('utf8'));
    return { value: parsed.value, strictErrors: parsed.duplicates.map((path) => `duplicate field ${JSON.stringify(path)}`) };
  } catch (err: unknown) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

/**
 * Parses a YAML body, bounded; the message names the line, as sigs.k8s.io/yaml does. JSON is
 * YAML too: a body that is a JSON object (what kubectl sends as apply-patch+yaml) takes the
 * much faster JSON parser, with the same result.
 */
export function parseYamlBody(body: Buffer): ParsedBody {
  const json = jsonObjectOf(body);
  if (json) return json;
  try {
    const parsed = parseBoundedYaml(body.toString('utf8'));
    return { value: parsed.value, strictErrors: parsed.duplicates };
  } catch (err: unknown) {
    if (err instanceof YamlBodyError) throw badRequest(`error converting YAML to JSON: ${err.message}`);
    throw err;
  }
}

/** The body parsed as JSON when it is a well-formed JSON object; undefined otherwise. */
function jsonObjectOf(body: Buffer): ParsedBody | undefined {
  const text = body.toString('utf8');
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    return parseJsonBody(body);
  } catch {
    return undefined;
  }
}
