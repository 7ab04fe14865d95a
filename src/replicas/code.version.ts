import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PREFIX = 'sha256:';
/** Hex digits of a short code version, as messages and `listBackends()` show it. */
const SHORT_DIGITS = 8;

/**
 * The code version of a module's content: `sha256:` and the hex SHA-256 of its bytes. Pure.
 * Only the file itself counts, not what it imports.
 */
export function codeVersionOf(content: string | Uint8Array): string {
  return PREFIX + createHash('sha256').update(content).digest('hex');
}

/** A code version cut to `sha256:` and 8 hex digits, e.g. `sha256:1a2b3c4d`. Pure. */
export function shortCodeVersion(version: string): string {
  return version.startsWith(PREFIX) ? version.slice(0, PREFIX.length + SHORT_DIGITS) : version;
}

/** The code version of the file at `file` now (one read; done when a backend is created or a replica starts, never per request). */
export function readCodeVersion(file: string): string {
  return codeVersionOf(readFileSync(file));
}
