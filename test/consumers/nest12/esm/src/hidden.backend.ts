// A function backend its module does not export: start-up must fail naming this file and the line
// and column of the call below, as written here (tsx runs it as one generated line).
import { defineBackend } from 'nestjs-serve';

const hidden = defineBackend(() => 'never served', { endpoint: { route: '/hidden' } });

/** Hands the backend out without exporting it: replicas could not load it. */
export function hiddenBackend(): typeof hidden {
  return hidden;
}
