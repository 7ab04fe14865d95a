/**
 * `BackendConfig.autoscaling`: the backend's replica count follows its ongoing requests (queued +
 * running) ÷ {@link targetOngoingRequests}, between {@link minReplicas} and {@link maxReplicas}.
 * Every field is optional; {@link DEFAULT_AUTOSCALING_CONFIG} gives the defaults.
 */
export interface AutoscalingConfig {
  /** Fewest replicas (per site). `0` stops every replica when idle; the next request waits for one. Default 1. */
  minReplicas?: number;
  /** Most replicas (per site), also while replicas are starting. Default: the larger of `minReplicas` and 4. */
  maxReplicas?: number;
  /** Ongoing requests (queued + running) one replica should carry. Default 2. */
  targetOngoingRequests?: number;
  /** How long a higher replica count must be wanted before the backend scales up, in ms. Default 1000. */
  upscaleDelayMs?: number;
  /** How long a lower replica count must be wanted before the backend scales down, in ms. Default 30000. */
  downscaleDelayMs?: number;
  /**
   * Ongoing requests are averaged over this many ms before each recommendation (a spike shorter than
   * `upscaleDelayMs - lookBackMs` never scales up). Default 500.
   */
  lookBackMs?: number;
  /** How often the load is sampled and a decision taken, in ms. Default 100. */
  intervalMs?: number;
  /**
   * How far past `n` replicas' worth of load the backend must be before it scales up from `n`
   * (like Kubernetes' HPA tolerance): 0.1 means 10 %. It scales down from `n` only when the load
   * fits in `n - 1` replicas. Default 0.1.
   */
  tolerance?: number;
}

/** An {@link AutoscalingConfig} with every default filled in. */
export type ResolvedAutoscalingConfig = Required<AutoscalingConfig>;
