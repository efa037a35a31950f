import type { Reason } from '@kuzet/protocol';

export type OnvifErrorKind = 'unreachable' | 'timeout' | 'auth' | 'fault' | 'bad_response' | 'http';

/** Every failure talking to a device, classified so that it maps onto one report reason. */
export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifErrorKind,
    message: string,
    readonly detail?: { status?: number; subcode?: string; action?: string },
  ) {
    super(message);
    this.name = 'OnvifError';
  }

  get reason(): Reason {
    switch (this.kind) {
      case 'unreachable':
        return 'unreachable';
      case 'timeout':
        return 'onvif_timeout';
      case 'auth':
        return 'auth_failed';
      default:
        return 'onvif_error';
    }
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EPIPE',
]);

/** Turns a fetch()/socket error into an OnvifError. */
export function networkError(err: unknown, what: string): OnvifError {
  if (err instanceof OnvifError) return err;
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError' || e.name === 'AbortError')
    return new OnvifError('timeout', `${what}: no answer in time`);
  const code = e.cause?.code ?? e.code;
  if (code && UNREACHABLE.has(code)) return new OnvifError('unreachable', `${what}: ${code}`);
  if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
    return new OnvifError('unreachable', `${what}: connection closed`);
  return new OnvifError('unreachable', `${what}: ${e.cause?.message ?? (err as Error).message ?? String(err)}`);
}
