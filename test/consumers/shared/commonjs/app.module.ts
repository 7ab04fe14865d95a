import { Module } from '@nestjs/common';
import { ServeModule } from 'nestjs-serve';
import { AdminController } from './admin.controller';
import { DemoBackend, SlowBackend } from './demo.backend';
import { greet } from './greet.backend';
import { UsersModule } from './users.module';

@Module({
  // A feature module after ServeModule: its routes answer whatever the order of imports.
  imports: [ServeModule.forRoot({ backends: [DemoBackend, SlowBackend, greet] }), UsersModule],
  controllers: [AdminController],
})
export class AppModule {}
