/**
 * A lean HTTP/1.1 client over `node:net` and `node:tls`, for Node.
 *
 * Why not `node:http`: each of its requests costs about twice the CPU of writing the request as
 * one string to a kept-alive socket and reading the answer back (measured in `bench/`), and SQS
 * traffic is many small requests. What AWS's endpoints need is small: requests with a known length
 * (a text body in the same write as the head, bytes in a second write), answers framed by `content-length` or chunked encoding (or, rarely, the end of the connection).
 *
 * Connections are kept alive per origin and reused last-in first-out; idle ones do not keep the
 * process alive and close after a few seconds. A connection is not reused when it is out of step
 * with the server: bytes arrived beyond the answer's end, or the answer came before all of the
 * request was written. A request that fails on a reused connection before
 * any byte of the answer arrives (the server closed it while idle) is sent once more on a new one.
 *
 * @module
 */

import { utf8Length } from "./bytes.js";
import { AbortError, type ErrorContext, NetworkError, TimeoutError } from "./errors.js";
import { type HttpRequest, type HttpResponse, messageOf, systemCode, type Transport } from "./http-common.js";
import { builtinSync } from "./runtime.js";

interface NodeSocket {
  write(data: string | Uint8Array): boolean;
  destroy(error?: Error): void;
  setNoDelay(noDelay: boolean): void;
  setKeepAlive(enable: boolean, delay: number): void;
  ref(): void;
  unref(): void;
  on(event: string, listener: (...args: never[]) => void): this;
  once(event: string, listener: (...args: never[]) => void): this;
  off(event: string, listener: (...args: never[]) => void): this;
  readonly destroyed: boolean;
  /** Bytes written but not yet handed to the system. */
  readonly writableLength: number;
}
interface NetModule {
  connect(options: object): NodeSocket;
}
interface NodeBuffer {
  readonly length: number;
  indexOf(value: string | number, byteOffset?: number): number;
  toString(encoding: string, start?: number, end?: number): string;
  subarray(start?: number, end?: number): NodeBuffer;
}
interface BufferStatic {
  concat(list: readonly NodeBuffer[], totalLength?: number): NodeBuffer;
}

/** How long an idle connection is kept, in milliseconds (below common 5 s server timeouts). */
const IDLE_MS = 4000;
/** The largest response head accepted. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * `node:net` or `node:tls`. `node:tls` is loaded only for the first `https:` request: plain-HTTP
 * programs (local emulators, tests) skip its cost at start-up, about a millisecond.
 */
async function loadModule(name: "node:net" | "node:tls"): Promise<NetModule> {
  const found = builtinSync<NetModule>(name);
  if (found) return found;
  // The package needs Node >= 20.16 (process.getBuiltinModule): no import() of a variable name,
  // which workerd and static analysers refuse.
  throw new Error(`${name} is not available: asyncaws needs Node >= 20.16 (process.getBuiltinModule)`);
}

const BufferClass = (globalThis as unknown as { Buffer: BufferStatic }).Buffer;

/**
 * The requests in flight on one abort signal: one `abort` listener per signal, however many
 * requests it serves, each request holding a slot of an array (cleared when it ends, then reused).
 *
 * Why not an `addEventListener` and a `removeEventListener` per request: on a long-lived signal
 * (the consumer's, which every long poll carries, or a batch engine's), Node's event target kept
 * each request's closure, and all it reaches (the request, the answer), alive for the garbage
 * collector's young generation well after the request ended: the young generation's survivors
 * went from about 0.2 to 2 to 4 MB per scavenge, and the CPU per request up by about 4 µs (10
 * requests in flight, in one process). A `Set` of listeners did the same; an array of slots
 * does not.
 */
interface AbortWatch {
  readonly slots: ((() => void) | undefined)[];
  readonly free: number[];
}
const watches = new WeakMap<AbortSignal, AbortWatch>();

/** Calls `onAbort` when `signal` aborts, until {@link unwatchAbort}; returns its slot. */
function watchAbort(signal: AbortSignal, onAbort: () => void): { watch: AbortWatch; at: number } {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const created: AbortWatch = { slots: [], free: [] };
    watch = created;
    watches.set(signal, created);
    signal.addEventListener(
      "abort",
      () => {
        const slots = created.slots;
        for (let i = 0; i < slots.length; i++) {
          const listener = slots[i];
          if (listener !== undefined) {
            slots[i] = undefined;
            listener();
          }
        }
      },
      { once: true },
    );
  }
  const at = watch.free.length > 0 ? watch.free.pop()! : watch.slots.length;
  watch.slots[at] = onAbort;
  return { watch, at };
}

/** Ends what {@link watchAbort} started. */
function unwatchAbort(watched: { watch: AbortWatch; at: number }): void {
  const { watch, at } = watched;
  if (watch.slots[at] === undefined) return; // called by the abort itself
  watch.slots[at] = undefined;
  watch.free.push(at);
}

/** A connection and the response parser state while it serves one request. */
interface Connection {
  readonly socket: NodeSocket;
  readonly key: string;
  /** Requests served so far; 0 for a new connection. */
  served: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The request in progress, if any. */
  onData: ((chunk: NodeBuffer) => void) | undefined;
  onEnd: (() => void) | undefined;
  onError: ((error: Error) => void) | undefined;
}

/** Parses one HTTP/1.1 response out of successive chunks. */
class ResponseParser {
  #chunks: NodeBuffer[] = [];
  #size = 0;
  #statusCode = 0;
  #headers: Record<string, string> | undefined;
  #bodyStart = -1;
  #length = -1;
  #chunked = false;
  /** A chunked body's data so far (its framing already read and dropped from `#chunks`). */
  #parts: NodeBuffer[] = [];
  /** Bytes `#chunks` must hold before a chunked body can advance (a chunk's whole frame). */
  #need = 0;
  /** A byte answer's body, allocated at its length once the head is read, and filled as it comes. */
  #body: Uint8Array | undefined;
  #filled = 0;
  readonly #Buffer: BufferStatic;
  /** True once any byte arrived. */
  started = false;
  /**
   * True when the connection must not serve another request: the server asked to close it after
   * this response, or sent bytes beyond its end (the connection is out of step with the server).
   */
  close = false;
  /** The answer to a HEAD request: no body, whatever its length says. */
  readonly #head: boolean;
  /** Give the body as bytes. */
  readonly #binary: boolean;

  constructor(Buffer: BufferStatic, head = false, binary = false) {
    this.#Buffer = Buffer;
    this.#head = head;
    this.#binary = binary;
  }

  #all(): NodeBuffer {
    if (this.#chunks.length !== 1) this.#chunks = [this.#Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0]!;
  }

  /** Adds a chunk; returns the response when complete. Throws on a malformed answer. */
  push(chunk: NodeBuffer): HttpResponse | undefined {
    this.started = true;
    if (this.#body) return this.#fill(chunk);
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return this.#parse(false);
  }

  /** The connection ended: completes a response framed by the end of the connection. */
  end(): HttpResponse | undefined {
    return this.#parse(true);
  }

  #parse(ended: boolean): HttpResponse | undefined {
    if (this.#body) return undefined; // a byte body cut short by the end of the connection
    for (;;) {
      if (!this.#headers) {
        const all = this.#all();
        const end = all.indexOf("\r\n\r\n");
        if (end < 0) {
          if (this.#size > MAX_HEAD_BYTES) throw new Error("response head too large");
          return undefined;
        }
        this.#readHead(all.toString("latin1", 0, end));
        if (this.#statusCode >= 100 && this.#statusCode < 200) {
          // An interim answer (100 Continue): skip it and read the real one.
          this.#chunks = [all.subarray(end + 4)];
          this.#size -= end + 4;
          this.#headers = undefined;
          continue;
        }
        this.#bodyStart = end + 4;
        if (this.#head) return this.#done(all.subarray(0, 0), this.#bodyStart);
      }
      if (this.#length >= 0 && !this.#chunked && this.#binary) {
        // Bytes (an S3 object): copied once, into an array of their own, as they arrive.
        const rest = this.#all().subarray(this.#bodyStart, this.#size);
        this.#body = new Uint8Array(this.#length);
        this.#chunks = [];
        this.#size = 0;
        return this.#fill(rest);
      }
      if (this.#length >= 0 && !this.#chunked) {
        // Joined only once complete: a large body arrives in many chunks.
        if (this.#size - this.#bodyStart < this.#length) return undefined;
        const bodyEnd = this.#bodyStart + this.#length;
        return this.#done(this.#all().subarray(this.#bodyStart, bodyEnd), bodyEnd);
      }
      if (this.#chunked) return this.#readChunked();
      const all = this.#all();
      if (this.#statusCode === 204 || this.#statusCode === 304)
        return this.#done(all.subarray(0, 0), this.#bodyStart);
      // No framing: the body runs to the end of the connection.
      this.close = true;
      return ended ? this.#done(all.subarray(this.#bodyStart, this.#size), this.#size) : undefined;
    }
  }

  #readHead(head: string): void {
    const lines = head.split("\r\n");
    const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? "");
    if (!status) throw new Error("not an HTTP/1.x response");
    this.#statusCode = Number(status[2]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error("malformed response header");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers[name];
      headers[name] = previous === undefined ? value : `${previous}, ${value}`;
    }
    this.#headers = headers;
    const connection = headers.connection?.toLowerCase();
    this.close = connection === "close" || (status[1] === "0" && connection !== "keep-alive");
    this.#chunked = headers["transfer-encoding"]?.toLowerCase().includes("chunked") ?? false;
    const length = headers["content-length"];
    if (!this.#chunked && length !== undefined) {
      if (!/^\d+$/.test(length)) throw new Error("invalid content-length");
      this.#length = Number(length);
    }
  }

  /**
   * Reads the chunks that are complete and drops their framing, so each byte is scanned and
   * joined a bounded number of times however many pieces a large body arrives in.
   */
  #readChunked(): HttpResponse | undefined {
    // A chunk's frame is read only once all of it arrived: no join per arriving piece.
    if (this.#size < this.#need) return undefined;
    const all = this.#all();
    let pos = this.#bodyStart;
    let response: HttpResponse | undefined;
    this.#need = 0;
    for (;;) {
      const lineEnd = all.indexOf("\r\n", pos);
      if (lineEnd < 0) break;
      const sizeText = all.toString("latin1", pos, lineEnd).split(";")[0]!.trim();
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error("malformed chunk size");
      const size = Number.parseInt(sizeText, 16);
      if (size === 0) {
        // Optional trailers, then an empty line: the first blank line from the size line's end.
        const end = all.indexOf("\r\n\r\n", lineEnd);
        if (end >= 0) response = this.#done(this.#Buffer.concat(this.#parts), end + 4);
        break;
      }
      const frameEnd = lineEnd + 2 + size + 2;
      if (this.#size < frameEnd) {
        this.#need = frameEnd - pos;
        break;
      }
      this.#parts.push(all.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = frameEnd;
    }
    if (response) return response;
    // Keep only what is not read yet.
    this.#chunks = [all.subarray(pos)];
    this.#size -= pos;
    this.#bodyStart = 0;
    return undefined;
  }

  /** Copies what arrived of a byte body; the response once all of it is there. */
  #fill(chunk: NodeBuffer): HttpResponse | undefined {
    const body = this.#body!;
    const take = Math.min(chunk.length, body.length - this.#filled);
    body.set(chunk.subarray(0, take) as unknown as Uint8Array, this.#filled);
    this.#filled += take;
    if (this.#filled < body.length) return undefined;
    if (chunk.length > take) this.close = true; // bytes beyond the body
    return { statusCode: this.#statusCode, headers: this.#headers!, body: "", bytes: body };
  }

  /**
   * The response of `body`, whose framing ends at `end` in what arrived: anything after it is
   * bytes nobody asked for, and the connection is closed after this response.
   */
  #done(body: NodeBuffer, end: number): HttpResponse {
    if (this.#size > end) this.close = true;
    if (this.#binary) {
      // A copy: the chunks' memory may be a pool shared with other buffers.
      const bytes = new Uint8Array(body.length);
      bytes.set(body as unknown as Uint8Array);
      return { statusCode: this.#statusCode, headers: this.#headers!, body: "", bytes };
    }
    return { statusCode: this.#statusCode, headers: this.#headers!, body: body.toString("utf8") };
  }
}

/**
 * A transport over `node:net`/`node:tls` with kept-alive connections (see the module comment).
 */
export function netTransport(): Transport {
  let net: NetModule | Promise<NetModule> | undefined;
  let tls: NetModule | Promise<NetModule> | undefined;
  const idle = new Map<string, Connection[]>();

  const release = (conn: Connection) => {
    conn.onData = conn.onEnd = conn.onError = undefined;
    conn.socket.unref();
    let list = idle.get(conn.key);
    if (!list) {
      list = [];
      idle.set(conn.key, list);
    }
    list.push(conn);
    conn.idleTimer = setTimeout(() => discard(conn), IDLE_MS);
    (conn.idleTimer as { unref?: () => void }).unref?.();
  };

  const discard = (conn: Connection) => {
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = undefined;
    const list = idle.get(conn.key);
    if (list) {
      const at = list.indexOf(conn);
      if (at >= 0) list.splice(at, 1);
    }
    conn.socket.destroy();
  };

  /** Opens a connection with `node:tls` for `https:`, else with `node:net` (`sockets`). */
  const open = (sockets: NetModule, request: HttpRequest, key: string): Connection => {
    const secure = request.protocol === "https:";
    const port = Number(request.port) || (secure ? 443 : 80);
    const socket = secure
      ? sockets.connect({
          host: request.hostname,
          port,
          // SNI takes host names only, not IP addresses.
          ...(/^[\d.]+$|:/.test(request.hostname) ? {} : { servername: request.hostname }),
          ALPNProtocols: ["http/1.1"],
        })
      : sockets.connect({ host: request.hostname, port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const conn: Connection = {
      socket,
      key,
      served: 0,
      idleTimer: undefined,
      onData: undefined,
      onEnd: undefined,
      onError: undefined,
    };
    socket.on("data", (chunk: NodeBuffer) => {
      if (conn.onData) conn.onData(chunk);
      else discard(conn); // bytes nobody asked for: the connection can't be trusted
    });
    socket.on("end", () => {
      if (conn.onEnd) conn.onEnd();
      else discard(conn);
    });
    socket.on("error", (error: Error) => {
      if (conn.onError) conn.onError(error);
      else discard(conn);
    });
    socket.on("close", () => {
      if (conn.onError) conn.onError(new Error("connection closed"));
      else discard(conn);
    });
    return conn;
  };

  const take = (sockets: NetModule, request: HttpRequest, key: string): Connection => {
    const list = idle.get(key);
    while (list?.length) {
      const conn = list.pop()!;
      if (conn.idleTimer) clearTimeout(conn.idleTimer);
      conn.idleTimer = undefined;
      if (!conn.socket.destroyed) return conn;
    }
    return open(sockets, request, key);
  };

  const exchange = (
    sockets: NetModule,
    request: HttpRequest,
    text: string,
    body: Uint8Array | undefined,
    key: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    context: ErrorContext,
    mayRetry: boolean,
  ): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      // Aborted since the caller checked (while node:net loaded): an aborted signal fires no event.
      if (signal?.aborted) {
        reject(new AbortError(context, { cause: signal.reason }));
        return;
      }
      const conn = take(sockets, request, key);
      const reused = conn.served > 0;
      conn.socket.ref();
      const parser = new ResponseParser(
        BufferClass,
        request.method === "HEAD",
        request.binaryResponse === true,
      );
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let watched: { watch: AbortWatch; at: number } | undefined;
      const finish = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (watched) unwatchAbort(watched);
        if (error) {
          conn.onData = conn.onEnd = conn.onError = undefined;
          conn.socket.destroy();
          reject(error);
          return;
        }
        conn.served++;
        // Not reused either when the answer came before all of the request was written: the
        // server did not read it all, and would read the rest as the next request.
        if (parser.close || conn.socket.writableLength > 0) {
          conn.onData = conn.onEnd = conn.onError = undefined;
          conn.socket.destroy();
        } else release(conn);
        resolve(response!);
      };
      const fail = (error: Error) => {
        if (settled) return;
        if (reused && mayRetry && !parser.started) {
          // The server closed this idle connection as we reused it: nothing was answered; try
          // once more on a new connection.
          settled = true;
          if (timer) clearTimeout(timer);
          if (watched) unwatchAbort(watched);
          conn.onData = conn.onEnd = conn.onError = undefined;
          conn.socket.destroy();
          exchange(sockets, request, text, body, key, signal, timeoutMs, context, false).then(
            resolve,
            reject,
          );
          return;
        }
        const code = systemCode(error);
        finish(
          new NetworkError(
            parser.started
              ? `connection lost while reading the response${code ? ` (${code})` : ""}`
              : `request failed: ${messageOf(error)}`,
            context,
            { cause: error, code, beforeResponse: !parser.started },
          ),
        );
      };
      conn.onData = (chunk) => {
        let response: HttpResponse | undefined;
        try {
          response = parser.push(chunk);
        } catch (error) {
          finish(
            new NetworkError(`unreadable HTTP response: ${(error as Error).message}`, context, {
              cause: error,
            }),
          );
          return;
        }
        if (response) finish(undefined, response);
      };
      conn.onEnd = () => {
        let response: HttpResponse | undefined;
        try {
          response = parser.end();
        } catch (error) {
          finish(
            new NetworkError(`unreadable HTTP response: ${(error as Error).message}`, context, {
              cause: error,
            }),
          );
          return;
        }
        if (response) {
          parser.close = true;
          finish(undefined, response);
        } else
          fail(new Error(parser.started ? "response cut before its end" : "connection closed by the server"));
      };
      conn.onError = fail;
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => finish(new TimeoutError(timeoutMs, context)), timeoutMs);
      }
      if (signal)
        watched = watchAbort(signal, () => finish(new AbortError(context, { cause: signal.reason })));
      conn.socket.write(text);
      if (body !== undefined && body.length > 0) conn.socket.write(body);
    });

  return async (request, signal, timeoutMs, context) => {
    if (signal?.aborted) throw new AbortError(context, { cause: signal.reason });
    let sockets: NetModule | Promise<NetModule>;
    if (request.protocol === "https:") {
      sockets = tls ??= loadModule("node:tls");
      if (sockets instanceof Promise) sockets = tls = await sockets;
    } else {
      sockets = net ??= loadModule("node:net");
      if (sockets instanceof Promise) sockets = net = await sockets;
    }
    let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
    const headers = request.headers;
    for (const name in headers) {
      const value = headers[name]!;
      if (/[\r\n]/.test(value)) throw new NetworkError(`header ${name} holds a line break`, context);
      text += `${name}: ${value}\r\n`;
    }
    if (headers.host === undefined) {
      text += `host: ${request.hostname}${request.port ? `:${request.port}` : ""}\r\n`;
    }
    const body = request.body;
    let bytes: Uint8Array | undefined;
    if (typeof body === "string") {
      text += `content-length: ${utf8Length(body)}\r\n\r\n${body}`;
    } else {
      // Bytes go in a write of their own, after the head.
      text += `content-length: ${body.length}\r\n\r\n`;
      bytes = body;
    }
    const key = `${request.protocol}//${request.hostname}:${request.port}`;
    return exchange(sockets, request, text, bytes, key, signal, timeoutMs, context, true);
  };
}
