/**
 * A minimal client of a Node process's inspector (started with `--inspect=HOST:PORT`): full garbage
 * collections and heap snapshots on demand, for the memory benchmark.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import WebSocket from 'ws';

interface Reply {
  id?: number;
  method?: string;
  params?: { chunk?: string };
  error?: { message: string };
}

export class Inspector {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #onChunk: ((chunk: string) => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString('utf8')) as Reply;
      if (reply.method === 'HeapProfiler.addHeapSnapshotChunk') this.#onChunk?.(reply.params?.chunk ?? '');
      if (reply.id === undefined) return;
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error) pending?.reject(new Error(reply.error.message));
      else pending?.resolve();
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on port ${port}`);
    const socket = new WebSocket(url, { maxPayload: 1024 * 1024 * 1024 });
    await once(socket, 'open');
    return new Inspector(socket);
  }

  #call(method: string): Promise<void> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method }));
    });
  }

  /** Two full collections (the second frees what the first's finalizers released). */
  async collectGarbage(): Promise<void> {
    await this.#call('HeapProfiler.collectGarbage');
    await this.#call('HeapProfiler.collectGarbage');
  }

  /** Writes a heap snapshot (Chrome DevTools format) to `path` and resolves with it. */
  async writeHeapSnapshot(path: string): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    const file = createWriteStream(path);
    this.#onChunk = (chunk) => file.write(chunk);
    try {
      await this.#call('HeapProfiler.takeHeapSnapshot');
    } finally {
      this.#onChunk = undefined;
      file.end();
      await once(file, 'finish');
    }
    return path;
  }

  close(): void {
    this.socket.close();
  }
}
