import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";

export interface ReadyMessage {
  readonly type: "ready";
  readonly service: string;
  readonly url?: string;
  readonly connectionString?: string;
}

function isReadyMessage(value: unknown): value is ReadyMessage {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "ready";
}

/**
 * One child process of the embedded platform. It runs in its own process group (so the terminal's
 * Ctrl-C reaches only the launcher, which stops children in dependency order) with an IPC channel
 * (so a child exits by itself if the launcher dies). Output goes to its log file; lines at
 * warning level or above, and anything on stderr, are echoed to the terminal.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private readonly exitPromise: Promise<number | null>;
  private resolveExit: (code: number | null) => void = () => {};
  private stopping = false;

  constructor(
    readonly name: string,
    private readonly options: {
      command: string;
      args: readonly string[];
      cwd: string;
      env: NodeJS.ProcessEnv;
      logFile: string;
      echo: (name: string, line: string) => void;
    },
  ) {
    this.exitPromise = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  /** Starts the process and resolves with its ready message, or rejects if it exits or times out first. */
  start(timeoutMs: number): Promise<ReadyMessage> {
    this.log = createWriteStream(this.options.logFile, { flags: "a" });
    const child = spawn(this.options.command, [...this.options.args], {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      detached: true,
    });
    this.child = child;
    child.once("exit", (code) => this.resolveExit(code));

    return new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name} was not ready within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const ready = (message: ReadyMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      child.on("message", (message) => {
        if (isReadyMessage(message)) ready(message);
      });
      this.pipe(child.stdout, false, ready);
      this.pipe(child.stderr, true, ready);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited during start-up (${signal ?? `code ${code}`})`));
      });
    });
  }

  /** Resolves with the exit code when the process ends, whoever ended it. */
  exited(): Promise<number | null> {
    return this.exitPromise;
  }

  get isStopping() {
    return this.stopping;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs: number): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    this.stopping = true;
    child.kill("SIGTERM");
    const killer = setTimeout(() => {
      this.options.echo(this.name, `did not stop within ${graceMs / 1000} s: killing it`);
      child.kill("SIGKILL");
    }, graceMs);
    const code = await this.exited();
    clearTimeout(killer);
    this.log?.end();
    return code;
  }

  private pipe(stream: NodeJS.ReadableStream | null, isStderr: boolean, ready: (message: ReadyMessage) => void) {
    if (!stream) return;
    const lines = createInterface({ input: stream });
    lines.on("line", (line) => {
      this.log?.write(`${line}\n`);
      const parsed = parseJson(line);
      if (parsed && (parsed as { ready?: unknown }).ready === true) {
        ready({ type: "ready", service: this.name, ...(parsed as { connectionString?: string }) });
        return;
      }
      const level =
        parsed && typeof (parsed as { level?: unknown }).level === "number"
          ? (parsed as { level: number }).level
          : undefined;
      if (isStderr || (level !== undefined && level >= 40)) {
        const message =
          parsed && typeof (parsed as { msg?: unknown }).msg === "string" ? (parsed as { msg: string }).msg : line;
        this.options.echo(this.name, message);
      }
    });
  }
}

function parseJson(line: string): unknown {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
