/**
 * The page's one way to the site server: its own origin's JSON routes (the CSP allows
 * nothing else), the session cookie sent by the browser, and the session's CSRF token on
 * every request that changes something. Replies are the API's `{ ok, value } | { ok: false,
 * error }`; a transport failure becomes the same shape, so screens handle one kind of result.
 */
export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Extra fields a refusal carries (the cleanup's `missing` list). */
  [extra: string]: unknown;
}
export type Result<T> = { ok: true; value: T } | { ok: false; status: number; error: ApiError };

const CSRF_HEADER = 'x-exam-csrf';

export class AdminApi {
  private csrf: string | null = null;
  /** Called when the server says the session is gone (401), so the page shows the sign-in. */
  onSignedOut: () => void = () => {};

  constructor(private readonly base: string = '') {}

  async session(): Promise<Result<{ signedIn: boolean; csrf?: string }>> {
    const r = await this.request<{ signedIn: boolean; csrf?: string }>('GET', '/api/admin/session');
    if (r.ok) this.csrf = r.value.csrf ?? null;
    return r;
  }

  async signIn(password: string): Promise<Result<{ csrf: string }>> {
    const r = await this.request<{ csrf: string }>(
      'POST',
      '/api/admin/session',
      { password },
      { quiet: true },
    );
    if (r.ok) this.csrf = r.value.csrf;
    return r;
  }

  async signOut(): Promise<void> {
    await this.request('DELETE', '/api/admin/session', undefined, { quiet: true });
    this.csrf = null;
  }

  get<T>(path: string): Promise<Result<T>> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<Result<T>> {
    return this.request<T>('POST', path, body);
  }

  /**
   * Uploads a file's bytes as application/octet-stream with XMLHttpRequest, whose upload
   * events (unlike fetch's) report progress for the bar.
   */
  upload<T>(path: string, file: Blob, onProgress: (sent: number, total: number) => void): Promise<Result<T>> {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.base + path);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      if (this.csrf) xhr.setRequestHeader(CSRF_HEADER, this.csrf);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => resolve(this.settle<T>(xhr.status, xhr.responseText));
      xhr.onerror = () => resolve(networkFailure());
      xhr.send(file);
    });
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { quiet?: boolean } = {},
  ): Promise<Result<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers[CSRF_HEADER] = this.csrf;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      return networkFailure();
    }
    const result = this.settle<T>(res.status, await res.text());
    if (!result.ok && result.status === 401 && !opts.quiet) this.onSignedOut();
    return result;
  }

  private settle<T>(status: number, text: string): Result<T> {
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      return { ok: false, status, error: { code: 'BAD_REPLY', message: `HTTP ${status}` } };
    }
    const reply = parsed as { ok?: boolean; value?: T; error?: ApiError };
    if (status >= 200 && status < 300 && reply.ok !== false) return { ok: true, value: reply.value as T };
    return {
      ok: false,
      status,
      error: reply.error ?? { code: status === 404 ? 'NOT_FOUND' : 'HTTP', message: `HTTP ${status}` },
    };
  }
}

function networkFailure<T>(): Result<T> {
  return { ok: false, status: 0, error: { code: 'NETWORK', message: 'The site server cannot be reached.' } };
}
