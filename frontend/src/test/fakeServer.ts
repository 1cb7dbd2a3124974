// A scriptable stand-in for the studio's JSON API in component tests: fetch is replaced when this
// module loads (openapi-fetch keeps the fetch and Request it finds when the client is made, so test
// files import this first), each answer comes from a route the test declares, and every request is
// recorded. A request no route answers gets a 404 naming it, so a missing route shows in the test.
type Handler = (request: Request, params: string[]) => unknown | Promise<unknown>;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const routes: Route[] = [];
export const requests: Request[] = [];

const NodeRequest = globalThis.Request;
globalThis.Request = class extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" ? new URL(input, "http://localhost") : input, init);
  }
};

export class Status {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(input, init);
  requests.push(request.clone());
  const path = new URL(request.url).pathname;
  for (const route of [...routes].reverse()) {
    const match = route.method === request.method ? route.pattern.exec(path) : null;
    if (!match) continue;
    const answer = await route.handler(request, match.slice(1));
    const [status, body] = answer instanceof Status ? [answer.status, answer.body] : [200, answer];
    return new Response(JSON.stringify(body ?? null), { status, headers: { "Content-Type": "application/json" } });
  }
  return new Response(JSON.stringify({ detail: `no fake route for ${request.method} ${path}` }), { status: 404 });
};

/** Answer ``method path`` (":name" segments match a number or word) with ``handler``'s result; later routes win. */
export function route(method: string, path: string, handler: Handler | unknown): void {
  const pattern = new RegExp(`^${path.replace(/:\w+/g, "([\\w-]+)")}$`);
  routes.push({ method, pattern, handler: typeof handler === "function" ? (handler as Handler) : () => handler });
}

/** Forget all routes and recorded requests (call in beforeEach). */
export function resetServer(): void {
  routes.length = 0;
  requests.length = 0;
  document.cookie = "csrftoken=test-token";
}

/** The JSON bodies of the recorded ``method path`` requests, in order. */
export async function bodiesOf(method: string, path: string): Promise<unknown[]> {
  const sent = requests.filter((r) => r.method === method && new URL(r.url).pathname === path);
  return Promise.all(sent.map((r) => r.clone().json()));
}
