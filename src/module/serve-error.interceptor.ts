import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import { toHttpException, type HostResponse } from '../http/response.mapper';
import { isServeError } from '../serve.errors';

/**
 * Turns a {@link ServeError} thrown in any of the app's own routes (a `ServeService` call, a handle's
 * `remote()`) into the `HttpException` of its status, so that the caller sees 400, 404, 409, 503...
 * instead of 500, and the app's own exception filters see an ordinary HTTP error. `ServeError` itself
 * stays free of Nest: replicas use it and must not load Nest.
 */
@Injectable()
export class ServeErrorInterceptor implements NestInterceptor {
  /** Maps a failed route's ServeError; everything else passes through untouched. */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (!isServeError(err) || context.getType() !== 'http') throw err;
        throw toHttpException(context.switchToHttp().getResponse<HostResponse>(), err);
      }),
    );
  }
}
