/** Messages of scale-down, the shutdown drain and code pinning. */
export const deployMessages = {
  startCancelled: (backend: string, replica: string, numReplicas: number) =>
    `Backend '${backend}': replica ${replica} was still starting when the backend scaled down to ${numReplicas}; it was stopped so that the ready replicas keep serving.`,
  shadowsDropped: (backend: string, count: number) =>
    `Backend '${backend}': dropped ${count} queued shadow ${count === 1 ? 'copy' : 'copies'} while draining (shadow answers reach nobody); primary requests are still drained.`,
  codeUnreadable: (backend: string, file: string, why: string) =>
    `Backend '${backend}': cannot read its module ${file} to pin its code version (${why}). Check the module path (@Backend({ modulePath })) and that the app can read it.`,
  codeChanged: (backend: string, replica: string, file: string, pinned: string, found: string) =>
    `Backend '${backend}' runs code version ${pinned} of ${file}, but that file is now ${found}: replica ${replica} does not start, so that every replica of '${backend}' runs the same code. To deploy the change, create a new backend from it (createBackend('${backend}-v2', TheClass)) and move traffic to it (setTraffic or rollout); or put the file back as it was.`,
  agentCodeMismatch: (host: string, backend: string, file: string, pinned: string, found: string) =>
    `Replica host ${host} has code version ${found} of ${file} for backend '${backend}', but the app pinned '${backend}' to ${pinned}: the replica does not start there. Run the replica host with the same module file as the app, or deploy the new code as a new backend and move traffic to it.`,
};
