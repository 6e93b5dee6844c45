import type { CliIo } from './context.js';
import { duration } from './format.js';

/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise. */
export class ProgressReporter {
  private readonly fractions = new Map<number, number>();
  private readonly etas = new Map<number, number | null>();
  private finished = 0;
  private readonly started = Date.now();
  private lastPlain = 0;
  private readonly tty: boolean;

  constructor(
    private readonly io: CliIo,
    private readonly total: number,
  ) {
    this.tty = Boolean(io.stderr.isTTY);
  }

  line(text: string): void {
    if (this.tty) this.io.stderr.write('\r\x1b[K');
    this.io.stderr.write(`${text}\n`);
    this.draw();
  }

  update(runId: number, fraction: number, eta: number | null): void {
    this.fractions.set(runId, fraction);
    this.etas.set(runId, eta);
    if (this.tty) this.draw();
    else if (Date.now() - this.lastPlain > 5000) {
      this.lastPlain = Date.now();
      this.io.stderr.write(`${this.summary()}\n`);
    }
  }

  finish(runId: number, text: string): void {
    this.fractions.delete(runId);
    this.etas.delete(runId);
    this.finished++;
    this.line(`[${this.finished}/${this.total}] ${text}`);
  }

  private done_fraction(): number {
    let inFlight = 0;
    for (const f of this.fractions.values()) inFlight += f;
    return (this.finished + inFlight) / this.total;
  }

  private summary(): string {
    const f = this.done_fraction();
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = f > 0.01 ? (elapsed * (1 - f)) / f : null;
    return `runs ${this.finished}/${this.total} done, ${(f * 100).toFixed(0)}%, elapsed ${duration(elapsed)}, ETA ${duration(eta)}`;
  }

  private draw(): void {
    if (!this.tty || this.finished >= this.total) return;
    const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 60));
    const f = Math.min(1, this.done_fraction());
    const filled = Math.round(f * width);
    this.io.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.summary()}`);
  }

  done(): void {
    if (this.tty) this.io.stderr.write('\r\x1b[K');
  }
}
