/**
 * Client for baresip's `ctrl_tcp` module: JSON messages framed as netstrings ("<length>:<json>,")
 * over TCP. Commands are the menu module's long commands ("dial", "accept", "hangup"); baresip
 * answers each with `{"response":true,"ok":...,"data":...,"token":...}` and pushes UA events as
 * `{"event":true,"type":"CALL_ESTABLISHED",...}`.
 */
import { connect, type Socket } from 'node:net';
import { waitFor } from './wait.js';

/** A UA event pushed by baresip, e.g. type "CALL_INCOMING", "CALL_ESTABLISHED", "CALL_CLOSED". */
export interface BaresipEvent {
  type: string;
  /** "call", "register", ... */
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  peerdisplayname?: string;
  /** Call id in baresip. */
  id?: string;
  /** Event detail, e.g. the SIP reason of CALL_CLOSED ("Connection reset by user"). */
  param?: string;
  /** When the lab received the event (ms since the epoch). */
  receivedAt: number;
  [field: string]: unknown;
}

/** An open ctrl_tcp connection. */
export interface BaresipControl {
  /** Runs a menu command; resolves with its output, rejects when baresip reports an error. */
  command(name: string, params?: string): Promise<string>;
  /**
   * Resolves with the oldest not yet consumed event of `type` (received before or after the call)
   * and consumes it, so two waits for "CALL_ESTABLISHED" need two calls.
   */
  waitForEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** Every event received so far, oldest first. */
  events(): readonly BaresipEvent[];
  /** Drops the events no wait has consumed yet. */
  clearEvents(): void;
  close(): void;
}

interface PendingCommand {
  resolve(output: string): void;
  reject(error: Error): void;
}

interface EventWaiter {
  type: string;
  resolve(event: BaresipEvent): void;
  reject(error: Error): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Connects to ctrl_tcp on 127.0.0.1:`port`, retrying while baresip is still starting.
 * `abortReason` stops the retries early, e.g. when the baresip process has exited.
 */
export async function connectBaresipControl(
  port: number,
  options: { timeoutMs: number; abortReason: () => string | undefined; name: string },
): Promise<BaresipControl> {
  const socket = await waitFor(() => openSocket(port), {
    timeoutMs: options.timeoutMs,
    intervalMs: 20,
    description: `${options.name} ctrl_tcp port ${port}`,
    abortReason: options.abortReason,
  });
  socket.unref();

  let buffer = Buffer.alloc(0);
  let nextToken = 1;
  let closedError: Error | undefined;
  const pendingCommands = new Map<string, PendingCommand>();
  const history: BaresipEvent[] = [];
  const unconsumed: BaresipEvent[] = [];
  const waiters = new Set<EventWaiter>();

  const handleMessage = (message: unknown): void => {
    if (!isRecord(message)) return;
    if (message.event === true && typeof message.type === 'string') {
      const event: BaresipEvent = { ...message, type: message.type, receivedAt: Date.now() };
      history.push(event);
      const waiter = [...waiters].find((candidate) => candidate.type === event.type);
      if (waiter) {
        waiters.delete(waiter);
        waiter.resolve(event);
      } else {
        unconsumed.push(event);
      }
      return;
    }
    if (message.response === true) {
      const token = typeof message.token === 'string' ? message.token : undefined;
      // Responses without a token (older modules) belong to the oldest outstanding command.
      const key = token ?? pendingCommands.keys().next().value;
      if (key === undefined) return;
      const pending = pendingCommands.get(key);
      pendingCommands.delete(key);
      const data = typeof message.data === 'string' ? message.data : '';
      if (message.ok === false) pending?.reject(new Error(`${options.name}: command failed: ${data}`));
      else pending?.resolve(data);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(buffer.toString('latin1', 0, colon));
      if (!Number.isInteger(length)) {
        socket.destroy(new Error(`${options.name}: bad netstring header`));
        return;
      }
      const end = colon + 1 + length;
      if (buffer.length < end + 1) return;
      const payload = buffer.toString('utf8', colon + 1, end);
      buffer = buffer.subarray(end + 1); // skip the trailing ","
      try {
        handleMessage(JSON.parse(payload));
      } catch {
        // Not JSON: ignore rather than tear down the control connection.
      }
    }
  });

  const failAll = (error: Error): void => {
    closedError = error;
    for (const pending of pendingCommands.values()) pending.reject(error);
    pendingCommands.clear();
    for (const waiter of waiters) waiter.reject(error);
    waiters.clear();
  };
  socket.on('error', (error) =>
    failAll(new Error(`${options.name}: control connection failed: ${error.message}`)),
  );
  socket.on('close', () => failAll(closedError ?? new Error(`${options.name}: control connection closed`)));

  const command = (name: string, params?: string): Promise<string> => {
    if (closedError) return Promise.reject(closedError);
    const token = String(nextToken);
    nextToken += 1;
    const json = JSON.stringify({ command: name, params: params ?? '', token });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pendingCommands.delete(token);
        reject(new Error(`${options.name}: no response to "${name}" within 5 s`));
      }, 5000);
      pendingCommands.set(token, {
        resolve: (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      socket.write(`${Buffer.byteLength(json)}:${json},`);
    });
  };

  const waitForEvent = (type: string, timeoutMs = 10_000): Promise<BaresipEvent> => {
    const index = unconsumed.findIndex((event) => event.type === type);
    if (index >= 0) {
      const [event] = unconsumed.splice(index, 1);
      if (event) return Promise.resolve(event);
    }
    if (closedError) return Promise.reject(closedError);
    return new Promise((resolve, reject) => {
      const waiter: EventWaiter = {
        type,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const seen = history.map((event) => event.type).join(', ') || 'none';
        reject(
          new Error(`${options.name}: no ${type} event within ${timeoutMs} ms (events so far: ${seen})`),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    command,
    waitForEvent,
    events: () => history,
    clearEvents: () => {
      unconsumed.length = 0;
    },
    close: () => {
      closedError ??= new Error(`${options.name}: control connection closed`);
      socket.destroy();
    },
  };
}
