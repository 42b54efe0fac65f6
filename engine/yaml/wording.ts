// How values, types and places read in messages: in the file's terms (mapping, list, text)
// rather than JavaScript's (object, array, string).
import { formatPath, type DocPath } from '../diagnostics.ts';

const EXPECTED: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

export function expectedName(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

export function whereOf(path: DocPath): string {
  return path.length ? formatPath(path) : 'the workflow';
}

export function quote(text: string, max = 40): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(short);
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value === '' ? 'empty text' : `the text ${quote(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}
