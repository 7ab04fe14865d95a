import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** IPC request from the orchestrator: start the main-thread CPU profiler, or stop it and write the profile to `file`. */
export interface ProfilerCommand {
  type: 'profile-start' | 'profile-stop';
  id: number;
  file?: string;
}

let session: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session!.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

/**
 * Answers profiler commands over IPC (each with an `{ type: 'ack', id }` reply), so a profile
 * covers exactly one measured window of the main thread, without start-up or warm-up.
 */
export function listenForProfilerCommands(): void {
  process.on('message', (message: ProfilerCommand) => {
    if (message?.type !== 'profile-start' && message?.type !== 'profile-stop') return;
    void (async () => {
      let error: string | undefined;
      try {
        if (message.type === 'profile-start') {
          session ??= new Session();
          session.connect();
          await post('Profiler.enable');
          await post('Profiler.start');
        } else if (session) {
          const { profile } = (await post('Profiler.stop')) as { profile: unknown };
          session.disconnect();
          if (message.file) writeFileSync(message.file, JSON.stringify(profile));
        }
      } catch (err) {
        error = (err as Error).message;
      }
      process.send?.({ type: 'ack', id: message.id, error });
    })();
  });
}
