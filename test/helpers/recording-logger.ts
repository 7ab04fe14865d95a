import type { LoggerService } from '@nestjs/common';

/** Keeps every line Nest's Logger writes, with what was logged after the message (a stack, a context). */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (m: unknown, ...rest: unknown[]) => this.keep(m, rest);
  error = (m: unknown, ...rest: unknown[]) => this.keep(m, rest);
  warn = (m: unknown, ...rest: unknown[]) => this.keep(m, rest);
  debug = (m: unknown, ...rest: unknown[]) => this.keep(m, rest);
  verbose = (m: unknown, ...rest: unknown[]) => this.keep(m, rest);

  private keep(message: unknown, rest: unknown[]): void {
    this.lines.push([message, ...rest].map(String).join('\n'));
  }
}
