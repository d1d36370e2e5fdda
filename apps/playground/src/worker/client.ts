/**
 * The page's side of the worker protocol: `call(method, payload)` returns a promise of
 * the result, rejected with a `WorkerCallError` carrying the wire error.
 */
import type { Api, Method, Progress, Request, Response } from './protocol';
import { transferables } from './protocol';
import type { WireError } from '../ui/messages';

/** What the client needs of a Worker (a MessagePort works too, which the tests use). */
export interface Port {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

export class WorkerCallError extends Error {
  readonly code: string;
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = 'WorkerCallError';
    this.code = wire.code;
  }
}

export class WorkerClient {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; onProgress?: (p: Progress['progress']) => void }>();

  constructor(private readonly port: Port) {
    port.addEventListener('message', (event: MessageEvent) => this.receive(event.data as Response | Progress));
    port.addEventListener('error', (event: ErrorEvent) => this.failAll({ code: 'E_WORKER', message: `the model worker crashed: ${event.message ?? 'unknown error'}` }));
  }

  /** Requests in flight (the page shows a spinner while this is > 0). */
  get busy(): number {
    return this.pending.size;
  }

  /** `onProgress` hears the request's progress messages (a generate's grid so far). */
  call<M extends Method>(method: M, payload: Api[M][0], transfer = false, onProgress?: (p: Progress['progress']) => void): Promise<Api[M][1]> {
    const id = this.next++;
    const request: Request<M> = { id, method, payload };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.port.postMessage(request, transfer ? transferables(payload) : []);
    });
  }

  private receive(response: Response | Progress): void {
    const entry = this.pending.get(response.id);
    if (entry == null) return;
    if ('progress' in response) {
      entry.onProgress?.(response.progress);
      return;
    }
    this.pending.delete(response.id);
    if (response.ok) entry.resolve(response.result);
    else entry.reject(new WorkerCallError(response.error));
  }

  private failAll(error: WireError): void {
    for (const { reject } of this.pending.values()) reject(new WorkerCallError(error));
    this.pending.clear();
  }
}
