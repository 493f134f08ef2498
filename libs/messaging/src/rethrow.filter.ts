import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * NestJS's default RPC filter replaces any error that is not an `RpcException` with
 * `{ status: 'error', message: 'Internal server error' }`. Our transport needs the real error: to
 * retry or dead-letter an event with its reason, and to answer a request with an
 * `ExpectedError`'s code. Installed once, globally, by the bootstrap.
 */
@Catch()
export class RethrowFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
