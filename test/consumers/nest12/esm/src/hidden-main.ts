import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ServeModule } from 'nestjs-serve';
import { hiddenBackend } from './hidden.backend.js';

@Module({ imports: [ServeModule.forRoot({ backends: [hiddenBackend()] })] })
class HiddenModule {}

const app = await NestFactory.create(HiddenModule, { logger: false });
await app.init().then(
  () => console.log('STARTED'),
  (err: Error) => console.log(`START-UP FAILED: ${err.message}`),
);
await app.close();
