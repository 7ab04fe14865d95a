export * from './traffic.policy';
export * from './replica.scheduler';
export * from './request.queue';
export * from './batch.collector';
export * from './shard-key.hash';
export * from './autoscaling.policy';
export * from './rollout.judge';
