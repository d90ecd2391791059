import type { UploadError, UploadErrorCode } from '@exam/protocol';

/** A refusal with its HTTP status: handlers throw it, the receiver's error handler replies. */
export class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: UploadErrorCode,
    message: string,
    readonly extra: Pick<UploadError, 'offset' | 'reasons'> = {},
  ) {
    super(message);
    this.name = 'UploadRefusal';
  }

  get body(): { ok: false; error: UploadError } {
    return { ok: false, error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export const refuse = (
  status: number,
  code: UploadErrorCode,
  message: string,
  extra?: Pick<UploadError, 'offset' | 'reasons'>,
): never => {
  throw new UploadRefusal(status, code, message, extra);
};
