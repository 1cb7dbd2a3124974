// Debounced saving of partial changes ("autosave") without React: one save in flight at a time.
//
// Edits merge into one pending patch, sent after a pause. While a save is in flight, newer edits wait for it
// (two saves racing could land out of order, and a refused one could come back after a newer good one).
// A refused patch stays pending under the newer edits, so the next save sends it again together with its fix;
// when edits arrived during the refused save, they (and so the fix) go out without waiting for another edit.

export type SaveStatus = "idle" | "pending" | "saving" | "saved" | "error";

export interface Timers {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class AutosaveQueue<P extends object> {
  status: SaveStatus = "idle";
  error: unknown = null;
  private pending: P | null = null;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  /** A flush was asked for while a save was in flight: send what is pending right after it. */
  private again = false;

  constructor(
    private readonly save: (patch: P) => Promise<unknown>,
    private readonly delay = 700,
    private readonly onChange: (status: SaveStatus, error: unknown) => void = () => {},
    private readonly timers: Timers = realTimers,
  ) {}

  /** Whether anything is waiting to be sent (a new edit, or a refused one kept for the next save). */
  get hasPending(): boolean {
    return this.pending != null;
  }

  /** Add ``patch`` to what is pending and send it all after ``delay`` ms without further edits. */
  queue = (patch: P): void => {
    this.pending = { ...(this.pending ?? {}), ...patch } as P;
    this.set("pending");
    this.stopTimer();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delay);
  };

  /** Send what is pending now (after the save in flight, if any); resolves when it is saved or refused. */
  flush = (): Promise<void> => {
    this.stopTimer();
    if (this.running) {
      if (this.pending) this.again = true;
      return this.running;
    }
    if (!this.pending) return Promise.resolve();
    this.running = this.sendAll().finally(() => {
      this.running = null;
    });
    return this.running;
  };

  private async sendAll(): Promise<void> {
    while (this.pending) {
      const patch = this.pending;
      this.pending = null;
      this.again = false;
      this.set("saving");
      try {
        await this.save(patch);
        this.error = null;
      } catch (e) {
        const newer = this.pending;
        this.pending = { ...patch, ...(newer ?? {}) } as P;
        this.error = e;
        // Edits made meanwhile may be the fix: they go out now if a flush was asked for, else when their pause ends.
        if (!newer || !this.again) {
          this.set("error");
          return;
        }
        continue;
      }
      if (!this.again) break;
    }
    // Newer edits whose pause has not ended yet wait for their timer.
    this.set(this.pending ? "pending" : "saved");
  }

  private set(status: SaveStatus) {
    this.status = status;
    this.onChange(status, this.error);
  }

  private stopTimer() {
    if (this.timer != null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
