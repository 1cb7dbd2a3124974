// Job progress from Server-Sent Events: each event's JSON data folded into one progress state.

export type JobEventType =
  | "queued"
  | "started"
  | "progress"
  | "preview"
  | "image"
  | "succeeded"
  | "failed"
  | "cancelled";

export const JOB_EVENT_TYPES: JobEventType[] = [
  "queued",
  "started",
  "progress",
  "preview",
  "image",
  "succeeded",
  "failed",
  "cancelled",
];

/** The data of each Server-Sent Event: the server's JobMessage (stripstudio.jobs.messages) as JSON. */
export interface JobEvent {
  type: JobEventType;
  job?: string;
  job_kind?: string;
  comic?: number | null;
  panel?: number | null;
  attempt?: number | null;
  time?: number;
  step?: number | null;
  total?: number | null;
  fraction?: number | null;
  candidate?: number | null;
  message?: string;
  error_type?: string | null;
  data?: { seed?: number; url?: string; preview?: string; batch?: number[] } | null;
}

export interface JobProgress {
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  step: number | null;
  total: number | null;
  fraction: number;
  candidate: number | null;
  /** The candidates drawn together in the current run, when there are several. */
  batch: number[] | null;
  message: string;
  error: string | null;
  preview: string | null;
  images: { candidate: number; url: string; seed?: number }[];
}

export const FINAL_STATUSES = new Set(["succeeded", "failed", "cancelled"]);

export function initialProgress(): JobProgress {
  return {
    status: "queued",
    step: null,
    total: null,
    fraction: 0,
    candidate: null,
    batch: null,
    message: "",
    error: null,
    preview: null,
    images: [],
  };
}

export function parseJobEvent(data: string): JobEvent | null {
  try {
    const value = JSON.parse(data);
    return value && typeof value === "object" && typeof value.type === "string" ? (value as JobEvent) : null;
  } catch {
    return null;
  }
}

export function applyJobEvent(state: JobProgress, event: JobEvent): JobProgress {
  const next: JobProgress = { ...state };
  if (event.step != null) next.step = event.step;
  if (event.total != null) next.total = event.total;
  if (event.fraction != null) next.fraction = Math.max(0, Math.min(1, event.fraction));
  if (event.candidate != null) next.candidate = event.candidate;
  if (event.message) next.message = event.message;
  switch (event.type) {
    case "queued":
      next.status = "queued";
      break;
    case "started":
      next.status = "running";
      break;
    case "progress":
      next.status = "running";
      next.batch = event.data?.batch && event.data.batch.length > 1 ? event.data.batch : null;
      break;
    case "preview":
      next.status = "running";
      if (event.data?.preview) next.preview = event.data.preview;
      break;
    case "image":
      next.status = "running";
      if (event.data?.url) {
        next.images = [
          ...state.images.filter((i) => i.candidate !== event.candidate),
          { candidate: event.candidate ?? state.images.length, url: event.data.url, seed: event.data.seed },
        ];
      }
      break;
    case "succeeded":
      next.status = "succeeded";
      next.fraction = 1;
      break;
    case "failed":
      next.status = "failed";
      next.error = event.message || event.error_type || "the job failed";
      break;
    case "cancelled":
      next.status = "cancelled";
      break;
  }
  return next;
}

/** "candidate 2, step 3 of 20" for a drawing; "lettering panel 2 of 5", then "writing the files", for an export. */
export function progressLabel(p: JobProgress, kind = "generate"): string {
  if (p.status === "queued") return "Waiting in the queue…";
  if (p.status === "succeeded") return "Done";
  if (p.status === "cancelled") return "Cancelled";
  if (p.status === "failed") return `Failed: ${p.error ?? ""}`;
  if (p.step == null || !p.total) return p.message || "Working…";
  if (kind === "export") {
    // An export counts its panels, then one last step for writing the files.
    const panels = p.total - 1;
    return p.step <= panels ? `lettering panel ${p.step} of ${panels}` : "writing the files";
  }
  const candidate = p.batch
    ? `candidates ${Math.min(...p.batch) + 1}–${Math.max(...p.batch) + 1}, `
    : p.candidate != null
      ? `candidate ${p.candidate + 1}, `
      : "";
  return `${candidate}step ${p.step} of ${p.total}`;
}

/**
 * Follow the job event stream at ``url``: ``onEvent`` for every event, then ``onEnd`` once, after the final
 * event or when the stream closes for good (a stream that breaks early reconnects with Last-Event-ID).
 * Returns the function that stops following; nothing is called after it.
 */
export function followJobEvents(url: string, onEvent: (event: JobEvent) => void, onEnd: () => void): () => void {
  const source = new EventSource(url);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    source.close();
    onEnd();
  };
  const listener = (message: MessageEvent<string>) => {
    const event = parseJobEvent(message.data);
    if (!event || ended) return;
    onEvent(event);
    if (FINAL_STATUSES.has(event.type)) end();
  };
  // The server names each event by its type (``event: progress``); unnamed ones arrive as "message".
  source.onmessage = listener;
  for (const type of JOB_EVENT_TYPES) source.addEventListener(type, listener);
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) end();
  };
  return () => {
    ended = true;
    source.close();
  };
}
