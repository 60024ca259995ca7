// Errors in the shape the real API's AllExceptionsFilter produces:
// {statusCode, source, code, message, error, path, timestamp, method}. `error` is Node's reason
// phrase; `code` falls back to a per-status code as the real filter does.
import { STATUS_CODES } from 'node:http';

const STATUS_TO_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMIT_EXCEEDED',
  500: 'INTERNAL_SERVER_ERROR',
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  statusCode: number;
  source: 'DAYTONA_API';
  code: string;
  message: string;
  error: string;
  path: string;
  timestamp: string;
  method: string;
}

export function errorBody(
  status: number,
  message: string,
  req: { method: string; url: string },
  code?: string,
): ErrorBody {
  return {
    statusCode: status,
    source: 'DAYTONA_API',
    code: code ?? STATUS_TO_CODE[status] ?? 'INTERNAL_SERVER_ERROR',
    message,
    error: STATUS_CODES[status] ?? 'Error',
    path: req.url,
    timestamp: new Date().toISOString(),
    method: req.method,
  };
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);

/** The real API's StateChangeInProgressError: 409 with a machine-readable code. */
export const stateChangeInProgress = (): ApiError =>
  new ApiError(409, 'Sandbox state change in progress', 'SANDBOX_STATE_CHANGE_IN_PROGRESS');

export const sandboxNotFound = (idOrName: string): ApiError =>
  notFound(`Sandbox with ID or name ${idOrName} not found`);
