export * from './backend-config.interface';
export * from './endpoint-options.interface';
export * from './serve-request.interface';
export * from './serve-module-options.interface';
export * from './cluster-options.interface';
export * from './serve-status.interface';
export * from './metrics-options.interface';
