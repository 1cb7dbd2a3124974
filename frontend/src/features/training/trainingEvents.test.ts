import { describe, expect, it } from "vitest";
import type { JobEvent } from "../../lib/jobEvents";
import { applyTrainingEvent, curvePoints, duration, initialTraining, memory, type TrainingState } from "./trainingEvents";

const progress = (step: number, data: object, message = ""): JobEvent => ({ type: "progress", step, total: 40, message, data: data as JobEvent["data"] });

function fold(events: JobEvent[]): TrainingState {
  return events.reduce(applyTrainingEvent, initialTraining());
}

describe("training events", () => {
  it("collect the loss curve, speed, time left and GPU memory of the training steps", () => {
    const state = fold([
      { type: "started", total: 40 },
      progress(1, { phase: "train", loss: 0.5, epoch: 1, epochs: 2, steps_per_second: 2, eta_seconds: 20, gpu_memory_bytes: 3 * 1024 ** 3 }),
      progress(2, { phase: "train", loss: 0.25, epoch: 1, epochs: 2, steps_per_second: 2.5, eta_seconds: 15 }),
      progress(2, { phase: "epoch", epoch: 1 }, "epoch 1 saved"),
    ]);
    expect(state.status).toBe("running");
    expect(state.loss).toEqual([{ step: 1, loss: 0.5 }, { step: 2, loss: 0.25 }]);
    expect([state.stepsPerSecond, state.etaSeconds, state.gpuMemoryBytes]).toEqual([2.5, 15, 3 * 1024 ** 3]);
    expect([state.epoch, state.epochs, state.savedEpochs, state.message]).toEqual([1, 2, [1], "epoch 1 saved"]);
  });

  it("restart the curve where a resumed attempt starts again", () => {
    const state = fold([
      progress(1, { phase: "train", loss: 0.5 }),
      progress(2, { phase: "train", loss: 0.4 }),
      progress(3, { phase: "train", loss: 0.3 }),
      progress(2, { phase: "train", loss: 0.45 }),
    ]);
    expect(state.loss.map((p) => p.step)).toEqual([1, 2]);
  });

  it("end with the job's final event and its error", () => {
    expect(fold([{ type: "started" }, { type: "failed", message: "out of memory" }])).toMatchObject({ status: "failed", error: "out of memory" });
    expect(fold([{ type: "started" }, progress(41, { phase: "grid" }), { type: "succeeded" }])).toMatchObject({ status: "succeeded", phase: "grid" });
    expect(fold([{ type: "started" }, { type: "succeeded" }]).stoppedEarlyAfter).toBeNull();
    const stopped = fold([{ type: "started" }, { type: "succeeded", message: "stopped early after epoch 2: 1 epoch(s) saved", data: { epochs: [2], stopped_early_after: 2 } as JobEvent["data"] }]);
    expect(stopped).toMatchObject({ status: "succeeded", stoppedEarlyAfter: 2 });
  });

  it("format durations, memory and the curve's points", () => {
    expect([duration(42), duration(65), duration(3725), duration(null)]).toEqual(["42 s", "1 min 05 s", "1 h 02 min", "—"]);
    expect(memory(1.5 * 1024 ** 3)).toBe("1.5 GiB");
    expect(curvePoints([{ step: 1, loss: 1 }, { step: 3, loss: 0 }], 100, 50)).toBe("0.0,0.0 100.0,50.0");
  });
});
