// A training job's live state from its Server-Sent Events: the loss curve, speed, time left, GPU memory.
import type { JobEvent } from "../../lib/jobEvents";

export interface LossPoint {
  step: number;
  loss: number;
}

export interface TrainingState {
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  phase: "train" | "grid";
  step: number;
  total: number;
  epoch: number;
  epochs: number;
  loss: LossPoint[];
  stepsPerSecond: number | null;
  etaSeconds: number | null;
  gpuMemoryBytes: number | null;
  savedEpochs: number[];
  /** The last epoch kept when the author stopped the run early (the ending event says so); else null. */
  stoppedEarlyAfter: number | null;
  message: string;
  error: string | null;
}

/** What the runner puts in a training progress event's ``data`` (see runners/training.py). */
interface TrainingData {
  phase?: "train" | "epoch" | "grid";
  epoch?: number;
  epochs?: number;
  loss?: number;
  steps_per_second?: number;
  eta_seconds?: number;
  gpu_memory_bytes?: number | null;
  stopped_early_after?: number;
}

export const LOSS_POINTS_MAX = 1000;

export function initialTraining(): TrainingState {
  return {
    status: "queued",
    phase: "train",
    step: 0,
    total: 0,
    epoch: 0,
    epochs: 0,
    loss: [],
    stepsPerSecond: null,
    etaSeconds: null,
    gpuMemoryBytes: null,
    savedEpochs: [],
    stoppedEarlyAfter: null,
    message: "",
    error: null,
  };
}

/** The state after one event of the training job. */
export function applyTrainingEvent(state: TrainingState, event: JobEvent): TrainingState {
  const next: TrainingState = { ...state, message: event.message || state.message };
  if (event.step != null) next.step = event.step;
  if (event.total != null) next.total = event.total;
  const data = (event.data ?? {}) as TrainingData;
  switch (event.type) {
    case "queued":
      next.status = "queued";
      return next;
    case "started":
      next.status = "running";
      return next;
    case "succeeded":
    case "cancelled":
      next.status = event.type;
      next.stoppedEarlyAfter = data.stopped_early_after ?? null;
      return next;
    case "failed":
      next.status = "failed";
      next.error = event.message || event.error_type || "the training failed";
      return next;
    default:
      next.status = "running";
  }
  if (data.phase === "train" && data.loss != null && event.step != null) {
    const point = { step: event.step, loss: data.loss };
    next.loss = [...state.loss.filter((p) => p.step < point.step), point].slice(-LOSS_POINTS_MAX);
    next.stepsPerSecond = data.steps_per_second ?? state.stepsPerSecond;
    next.etaSeconds = data.eta_seconds ?? state.etaSeconds;
    next.gpuMemoryBytes = data.gpu_memory_bytes ?? state.gpuMemoryBytes;
    next.epoch = data.epoch ?? state.epoch;
    next.epochs = data.epochs ?? state.epochs;
  } else if (data.phase === "epoch" && data.epoch != null && !state.savedEpochs.includes(data.epoch)) {
    next.savedEpochs = [...state.savedEpochs, data.epoch];
  } else if (data.phase === "grid") {
    next.phase = "grid";
  }
  return next;
}

/** "1 min 05 s", "42 s". */
export function duration(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** "3.2 GiB". */
export function memory(bytes: number | null): string {
  if (bytes == null) return "—";
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** The SVG polyline points of a loss curve drawn in a ``width`` x ``height`` box (lowest loss at the bottom). */
export function curvePoints(points: LossPoint[], width: number, height: number): string {
  if (points.length === 0) return "";
  const first = points[0].step;
  const last = points[points.length - 1].step;
  const losses = points.map((p) => p.loss);
  const low = Math.min(...losses);
  const high = Math.max(...losses);
  const x = (step: number) => (last === first ? width / 2 : ((step - first) / (last - first)) * width);
  const y = (loss: number) => (high === low ? height / 2 : height - ((loss - low) / (high - low)) * height);
  return points.map((p) => `${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join(" ");
}
