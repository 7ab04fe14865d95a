import { Module } from '@nestjs/common';
import { ServeModule } from 'nestjs-serve';
import { AdminController } from './admin.controller';
import { DemoBackend, SlowBackend } from './demo.backend';
import { greet } from './greet.backend';

@Module({
  imports: [ServeModule.forRoot({ backends: [DemoBackend, SlowBackend, greet] })],
  controllers: [AdminController],
})
export class AppModule {}
