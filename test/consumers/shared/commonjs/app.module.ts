import { Module } from '@nestjs/common';
import { ServeModule } from 'nestjs-serve';
import { AdminController } from './admin.controller';
import { DemoBackend, SlowBackend } from './demo.backend';

@Module({
  imports: [ServeModule.forRoot({ backends: [DemoBackend, SlowBackend] })],
  controllers: [AdminController],
})
export class AppModule {}
