import { Transform, type TransformCallback } from 'node:stream';

/** Progress is drawn on stderr, only when it is a terminal and the output is not --json. */
export function progressWanted(json: boolean | undefined): boolean {
  return !json && process.stderr.isTTY === true;
}

const REDRAW_MS = 100;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--';
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  return m > 0 ? `${m}m${String(total % 60).padStart(2, '0')}s` : `${total}s`;
}

/** One line on stderr that is redrawn in place; silent when disabled. */
export class StatusLine {
  private drawn = false;
  private last = 0;

  constructor(private readonly enabled: boolean) {}

  show(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < REDRAW_MS) return;
    this.last = now;
    const width = process.stderr.columns || 100;
    process.stderr.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}

/** A bar with bytes, rate and ETA. */
export class ByteProgress {
  private readonly line: StatusLine;
  private readonly started = Date.now();
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    enabled: boolean,
    private readonly startAt = 0,
  ) {
    this.line = new StatusLine(enabled);
    this.done = startAt;
  }

  add(bytes: number): void {
    this.done += bytes;
    this.render(this.done >= this.total);
  }

  private render(force: boolean): void {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rate = (this.done - this.startAt) / seconds;
    const share = this.total > 0 ? Math.min(this.done / this.total, 1) : 1;
    const width = 24;
    const filled = Math.round(share * width);
    const eta = rate > 0 ? (this.total - this.done) / rate : Number.POSITIVE_INFINITY;
    this.line.show(
      `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ` +
        `${formatBytes(this.done)}/${formatBytes(this.total)} ${formatBytes(rate)}/s ETA ${formatSeconds(eta)}`,
      force,
    );
  }

  end(): void {
    this.line.end();
  }

  /** A pass-through stream that counts what flows through it. */
  meter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        this.add(chunk.length);
        callback(null, chunk);
      },
    });
  }
}
