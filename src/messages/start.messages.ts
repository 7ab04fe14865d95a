/** Messages of a replica's start that say which of the backend's own steps failed. */
export const startMessages = {
  stepThrewValue: (step: string, value: string) =>
    `${step} threw ${value}, not an Error: throw an Error whose message says what went wrong.`,
  stepThrewError: (step: string, why: string) => `${step} threw: ${why}`,
};
