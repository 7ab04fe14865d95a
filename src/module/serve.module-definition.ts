import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { SERVE_OPTIONS } from '../serve.constants';

/** `forRoot()` / `forRootAsync()` come from Nest's ConfigurableModuleBuilder; the module is global by default. */
export const {
  ConfigurableModuleClass: ConfigurableServeModule,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ServeModuleOptions>({ optionsInjectionToken: SERVE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
