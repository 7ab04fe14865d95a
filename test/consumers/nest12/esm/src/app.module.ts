import { Module } from '@nestjs/common';
import { ServeModule } from 'nestjs-serve';
import { AdminController } from './admin.controller.js';
import { DemoBackend, SlowBackend } from './demo.backend.js';
import { greet } from './greet.backend.js';
import { UsersModule } from './users.module.js';

@Module({
  // A feature module after ServeModule: its routes answer whatever the order of imports.
  imports: [ServeModule.forRoot({ backends: [DemoBackend, SlowBackend, greet] }), UsersModule],
  controllers: [AdminController],
})
export class AppModule {}
