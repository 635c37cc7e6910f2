import { DEFAULT_ARGV_CAPS, type ArgvCaps } from './argv-caps.js';
import { EventParseError } from './errors.js';
import { looksLikeEcsDocument, parseEcsDocument } from './ecs/parse-ecs.js';
import { looksLikeEsloggerMessage, parseEsloggerMessage } from './eslogger/parse-eslogger.js';
import { isJsonObject } from './json-fields.js';
import type { ParsedLine } from './parsed-line.js';

/**
 * One input line, in whichever format it is (detected per line, so a file may mix eslogger
 * messages and ECS documents), with `caps` applied to its argv. Throws only EventParseError.
 */
export function parseLine(line: string, caps: Readonly<ArgvCaps> = DEFAULT_ARGV_CAPS): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new EventParseError('invalid_json', `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isJsonObject(value)) {
    throw new EventParseError('not_an_object', `expected a JSON object per line, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  if (looksLikeEsloggerMessage(value)) return parseEsloggerMessage(value, caps);
  if (looksLikeEcsDocument(value)) return parseEcsDocument(value, caps);
  throw new EventParseError(
    'unknown_format',
    'neither an eslogger message (no event_type/schema_version) nor an ECS document (no @timestamp/process.pid)',
  );
}
