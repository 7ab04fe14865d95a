/**
 * Server of the streaming bench: the `StreamBench` backend served by nestjs-serve (`/s/...`) and
 * the same generators inline in a plain Nest controller that writes them to the socket itself
 * (`/inline/...`, SSE for `first`, honouring `drain`), so both are measured in one process.
 */
import { Controller, Get, Module, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ServeModule } from '../../src';
import { StreamBench } from '../backends/stream.backend';
import { firstChunk, slowChunks, tinyChunks } from '../work/stream.generators';
import { runServer, startBenchServer } from './bootstrap';
import { StatsController } from './stats.controller';

/** Writes `chunks` as a chunked body (or SSE), waiting for `drain` when the socket is full. */
async function writeInline(res: ServerResponse, chunks: AsyncIterable<string>, sse: boolean): Promise<void> {
  res.setHeader('content-type', sse ? 'text/event-stream' : 'text/plain; charset=utf-8');
  let gone = false;
  res.once('close', () => (gone = true));
  for await (const chunk of chunks) {
    if (gone) return;
    if (!res.write(sse ? `data: ${chunk}\n\n` : chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

/** The inline baseline. */
@Controller('inline')
class InlineStreamController {
  @Get('first')
  first(@Res() res: ServerResponse): Promise<void> {
    return writeInline(res, firstChunk(), true);
  }

  @Get('tiny')
  tiny(@Res() res: ServerResponse, @Query('n') n?: string): Promise<void> {
    return writeInline(res, tinyChunks(Number(n ?? 100_000)), false);
  }

  @Get('slow')
  slow(@Res() res: ServerResponse, @Query('n') n?: string): Promise<void> {
    return writeInline(res, slowChunks(Number(n ?? 30)), false);
  }
}

@Module({
  imports: [ServeModule.forRoot({ backends: [StreamBench] })],
  controllers: [StatsController, InlineStreamController],
})
class StreamServerModule {}

runServer(() => startBenchServer(StreamServerModule));
