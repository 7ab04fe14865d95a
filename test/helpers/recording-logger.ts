import type { LoggerService } from '@nestjs/common';

/**
 * Keeps every line Nest's Logger writes (give it to `app.useLogger()`, or to a unit under test as
 * its logger): a line is the message and whatever followed it (a stack, the context), one per line.
 */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...parts: unknown[]) => this.keep(parts);
  error = (...parts: unknown[]) => this.keep(parts);
  warn = (...parts: unknown[]) => this.keep(parts);
  debug = (...parts: unknown[]) => this.keep(parts);
  verbose = (...parts: unknown[]) => this.keep(parts);
  fatal = (...parts: unknown[]) => this.keep(parts);

  private keep(parts: unknown[]): void {
    this.lines.push(parts.map(String).join('\n'));
  }
}
