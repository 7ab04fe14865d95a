import { Module } from '@nestjs/common';
import { ServeModule } from 'nestjs-serve';
import { AdminController } from './admin.controller.js';
import { DemoBackend, SlowBackend } from './demo.backend.js';
import { greet } from './greet.backend.js';

@Module({
  imports: [ServeModule.forRoot({ backends: [DemoBackend, SlowBackend, greet] })],
  controllers: [AdminController],
})
export class AppModule {}
