// A function backend as docs/api.md writes it, in a file of its own. The call sits some lines down on
// purpose: tsx runs the code as one generated line, so a name or a location read from the generated
// code instead of the source would show here.
import { threadId } from 'node:worker_threads';
import { defineBackend, type ServeRequest } from 'nestjs-serve';

export const greet = defineBackend((req: ServeRequest) => ({ hello: req.query.name ?? 'world', threadId }), {
  numReplicas: 2,
  endpoint: { route: '/greet' },
});
