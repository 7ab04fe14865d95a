export * from './backend.decorator';
export * from './endpoint.decorator';
export * from './batch.decorator';
export * from './define-backend';
export * from './multiplexed.decorator';
