import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AutosaveQueue, type SaveStatus } from "./autosave";

type Patch = { style?: { lora: string }; steps?: number };

/** A save whose answers the test gives one by one (accept or refuse), with every patch it was sent. */
function server() {
  const sent: Patch[] = [];
  const answers: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const save = (patch: Patch) => {
    sent.push(patch);
    return new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
  };
  return {
    sent,
    save,
    inFlight: () => answers.length,
    accept: async () => {
      answers.shift()!.resolve();
      await vi.advanceTimersByTimeAsync(0);
    },
    refuse: async () => {
      answers.shift()!.reject(new Error("422"));
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

function setup() {
  const srv = server();
  const statuses: SaveStatus[] = [];
  const queue = new AutosaveQueue<Patch>(srv.save, 700, (status) => statuses.push(status));
  return { srv, queue, statuses };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("AutosaveQueue", () => {
  it("merges edits made within the pause into one save", async () => {
    const { srv, queue } = setup();
    queue.queue({ steps: 3 });
    await vi.advanceTimersByTimeAsync(500);
    queue.queue({ style: { lora: "ink" } });
    await vi.advanceTimersByTimeAsync(699);
    expect(srv.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(srv.sent).toEqual([{ steps: 3, style: { lora: "ink" } }]);
    await srv.accept();
    expect(queue.status).toBe("saved");
  });

  it("keeps a refused change and sends it with the next edit", async () => {
    const { srv, queue } = setup();
    queue.queue({ style: { lora: "" } });
    await vi.advanceTimersByTimeAsync(700);
    await srv.refuse();
    expect(queue.status).toBe("error");
    expect(queue.hasPending).toBe(true);
    queue.queue({ steps: 5 });
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.sent[1]).toEqual({ style: { lora: "" }, steps: 5 });
    await srv.refuse();
    queue.queue({ style: { lora: "ink" } });
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.sent[2]).toEqual({ style: { lora: "ink" }, steps: 5 });
    await srv.accept();
    expect(queue.status).toBe("saved");
    expect(queue.error).toBe(null);
  });

  it("does not race a fix past a slow refusal (the stale refused change must not come back)", async () => {
    const { srv, queue } = setup();
    queue.queue({ style: { lora: "" } }); // "Add LoRA": an empty row, refused
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.inFlight()).toBe(1);
    queue.queue({ style: { lora: "ink" } }); // the fix, typed while the refusal is on its way
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.inFlight()).toBe(1); // waits for the save in flight
    expect(queue.status).toBe("pending");
    await srv.refuse(); // the refusal arrives: the fix goes out at once
    expect(srv.sent).toEqual([{ style: { lora: "" } }, { style: { lora: "ink" } }]);
    await srv.accept();
    expect(queue.status).toBe("saved");
    expect(queue.hasPending).toBe(false);
    queue.queue({ steps: 5 }); // a later edit sends only itself
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.sent[2]).toEqual({ steps: 5 });
    await srv.accept();
    expect(queue.status).toBe("saved");
  });

  it("sends edits made during a save after their own pause", async () => {
    const { srv, queue, statuses } = setup();
    queue.queue({ steps: 3 });
    await vi.advanceTimersByTimeAsync(700);
    queue.queue({ steps: 4 });
    await srv.accept();
    expect(queue.status).toBe("pending");
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.sent).toEqual([{ steps: 3 }, { steps: 4 }]);
    await srv.accept();
    expect(queue.status).toBe("saved");
    expect(statuses).toEqual(["pending", "saving", "pending", "pending", "saving", "saved"]);
  });

  it("retries a refused change at once when the fix was asked to go out during the refusal", async () => {
    const { srv, queue } = setup();
    queue.queue({ style: { lora: "" } });
    await vi.advanceTimersByTimeAsync(700);
    queue.queue({ steps: 5 });
    const flushed = queue.flush();
    await srv.refuse();
    expect(srv.sent[1]).toEqual({ style: { lora: "" }, steps: 5 });
    await srv.refuse();
    await flushed;
    expect(queue.status).toBe("error");
    expect(srv.inFlight()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(srv.sent).toHaveLength(2); // nothing new: no retry loop
  });

  it("flush sends at once and resolves when saved; with nothing pending it does nothing", async () => {
    const { srv, queue } = setup();
    await queue.flush();
    expect(srv.sent).toEqual([]);
    queue.queue({ steps: 8 });
    const flushed = queue.flush();
    expect(srv.sent).toEqual([{ steps: 8 }]);
    let done = false;
    void flushed.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    await srv.accept();
    expect(done).toBe(true);
    await vi.advanceTimersByTimeAsync(700);
    expect(srv.sent).toHaveLength(1);
  });
});
