import { describeValue } from '../messages/value.describe';
import { startMessages } from '../messages/start.messages';

/** The backend's own code a replica runs to start, as messages name it. */
export type StartStep = 'the constructor' | 'reconfigure(userConfig)';

/**
 * What a replica reports when `step` threw `thrown` during its start: an Error as it is when the
 * constructor threw it (the usual case, its message alone says why), else with the step named, and
 * a value that is not an Error (`throw null`) as the step and the value, so that the message says
 * more than `null`. The Error's stack is kept, for its frames in the backend's file.
 */
export function startFailure(step: StartStep | undefined, thrown: unknown): unknown {
  if (step === undefined) return thrown;
  if (!(thrown instanceof Error)) {
    const message = startMessages.stepThrewValue(step, describeValue(thrown));
    return { name: 'Error', message, stack: `Error: ${message}` };
  }
  if (step === 'the constructor') return thrown;
  return { name: thrown.name, message: startMessages.stepThrewError(step, thrown.message), stack: thrown.stack };
}
