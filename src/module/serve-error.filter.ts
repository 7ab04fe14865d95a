import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { toHttpException, type HostResponse } from '../http/response.mapper';
import { ServeError } from '../serve.errors';

/**
 * Answers a {@link ServeError} thrown in any of the app's own routes (a `ServeService` call, a
 * handle's `remote()`) with its status (400, 404, 409, 503 with `Retry-After`...) instead of 500, as
 * Nest answers an `HttpException` of that status. A filter, not an interceptor: it costs nothing
 * until a route fails, where a global interceptor puts every route of the app through an RxJS
 * pipeline. The app's own filters for a route or controller come first; a catch-all filter the app
 * registers with `useGlobalFilters()` sees the `ServeError` itself (its `status` is the HTTP
 * status). `ServeError` stays free of Nest: replicas use it and must not load Nest.
 */
@Catch(ServeError)
export class ServeErrorFilter extends BaseExceptionFilter {
  /** Answers an HTTP request with the error's status; other contexts (RPC) get the error back as it is. */
  override catch(error: ServeError, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => error);
    super.catch(toHttpException(host.switchToHttp().getResponse<HostResponse>(), error), host);
  }
}
