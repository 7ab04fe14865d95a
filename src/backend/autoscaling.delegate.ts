/**
 * Who takes a backend's autoscaling decisions when its own instance does not: in a fleet, the
 * instance holding the decider lease scales every instance from the fleet's summed load, so each
 * instance's own autoscaler stands by while {@link active} says so.
 */
export interface AutoscalingDelegate {
  /** True while the fleet decides (this instance shares the fleet's desired state). */
  active(): boolean;
  /**
   * A request waits at this instance while the backend runs no replica: raise it from zero now,
   * without waiting for the decider to hear of the request.
   */
  wake(backend: string): void;
}
