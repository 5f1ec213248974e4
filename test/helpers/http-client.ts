/** A client of one running instance over real HTTP: JSON bodies parsed, anything else as bytes. */
export interface Reply {
  status: number;
  body: any;
  ms: number;
  /** the answer's X-Request-Id */
  requestId: string | null;
}

export interface Client {
  base: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown; raw?: { body: Uint8Array; contentType: string }; headers?: Record<string, string> }): Promise<Reply>;
  login(email: string, password: string): Promise<string>;
}

export function client(base: string): Client {
  const call: Client['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.body as BodyInit;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const started = performance.now();
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const type = res.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
    return { status: res.status, body: payload, ms: performance.now() - started, requestId: res.headers.get('x-request-id') };
  };
  return {
    base,
    call,
    async login(email, password) {
      const res = await call('POST', '/api/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
  };
}

