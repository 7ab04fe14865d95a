/** A compare-and-set write found another revision than the one it was based on. */
export class RevisionConflict extends Error {
  constructor(
    /** The revision the write expected to replace. */
    readonly expected: number,
    message = `the desired state is no longer at revision ${expected}`,
  ) {
    super(message);
    this.name = 'RevisionConflict';
  }
}
