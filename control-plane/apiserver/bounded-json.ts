/**
 * JSON text parsed within bounds, with what JSON.parse hides: nesting deeper than
 * MAX_NESTING_DEPTH is refused before anything is built (so a 3 MiB `[[[[…` costs one linear
 * scan), and duplicate object keys are reported by path (`metadata.name`,
 * `spec.containers[0].image`) for fieldValidation, as sigs.k8s.io/json's strict mode does.
 * The last duplicate wins, as in encoding/json.
 */
import { MAX_NESTING_DEPTH } from './schema/typed-decoder';

export interface ParsedJson {
  value: unknown;
  duplicates: string[];
}

export class JsonDepthError extends Error {}

interface Frame {
  object: boolean;
  keys: Set<string>;
  key: string;
  index: number;
  expectKey: boolean;
}

/** Parses `text`; throws SyntaxError (JSON.parse's) or JsonDepthError. */
export function parseBoundedJson(text: string): ParsedJson {
  const duplicates = scanJson(text);
  return { value: JSON.parse(text), duplicates };
}

/** One linear pass: depth bound and duplicate keys. Tolerates invalid text (JSON.parse reports it). */
function scanJson(text: string): string[] {
  const frames: Frame[] = [];
  const duplicates: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = readString(text, i, frames, duplicates);
    else if (c === 0x7b || c === 0x5b) open(frames, c === 0x7b);
    else if (c === 0x7d || c === 0x5d) frames.pop();
    else if (c === 0x2c) nextMember(frames[frames.length - 1]);
  }
  return duplicates;
}

function open(frames: Frame[], object: boolean): void {
  if (frames.length >= MAX_NESTING_DEPTH) throw new JsonDepthError(`exceeded max depth of ${MAX_NESTING_DEPTH}`);
  frames.push({ object, keys: new Set(), key: '', index: 0, expectKey: object });
}

function nextMember(frame: Frame | undefined): void {
  if (!frame) return;
  if (frame.object) frame.expectKey = true;
  else frame.index++;
}

/** Skips the string starting at `start`; records it as a key where one is expected. Returns its last index. */
function readString(text: string, start: number, frames: Frame[], duplicates: string[]): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0 && escaped(text, end)) end = text.indexOf('"', end + 1);
  if (end < 0) return text.length;
  const frame = frames[frames.length - 1];
  if (frame?.object && frame.expectKey) recordKey(frames, frame, text.slice(start, end + 1), duplicates);
  return end;
}

/** Whether the quote at `at` is escaped (an odd run of backslashes before it). */
function escaped(text: string, at: number): boolean {
  let slashes = 0;
  while (text.charCodeAt(at - 1 - slashes) === 0x5c) slashes++;
  return slashes % 2 === 1;
}

function recordKey(frames: Frame[], frame: Frame, literal: string, duplicates: string[]): void {
  let key = literal.slice(1, -1);
  try {
    if (key.includes('\\')) key = JSON.parse(literal) as string;
  } catch {
    return; // invalid text: JSON.parse reports it
  }
  frame.expectKey = false;
  frame.key = key;
  if (frame.keys.has(key)) duplicates.push(pathOf(frames));
  frame.keys.add(key);
}

/** The path of the innermost frame's current member: `spec.containers[0].name`. */
function pathOf(frames: Frame[]): string {
  let path = '';
  for (const frame of frames) {
    if (!frame.object) path += `[${frame.index}]`;
    else path = path ? `${path}.${frame.key}` : frame.key;
  }
  return path;
}
