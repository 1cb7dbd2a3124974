import { useEffect, useRef, useState } from "react";
import { api, ok, type Job } from "../../api/client";
import { applyJobEvent, FINAL_STATUSES, JOB_EVENT_TYPES, initialProgress, parseJobEvent, type JobProgress } from "../../lib/jobEvents";

/** Follow a job live over its event stream; when it ends, the job as the server stores it (with results). */
export function useJob(job: Job | null, onFinished?: (job: Job) => void) {
  const [progress, setProgress] = useState<JobProgress>(initialProgress);
  const [final, setFinal] = useState<Job | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    setFinal(null);
    if (!job) return;
    setProgress({ ...initialProgress(), status: job.status === "running" ? "running" : "queued" });
    if (FINAL_STATUSES.has(job.status)) {
      setFinal(job);
      setProgress((p) => ({ ...p, status: job.status as JobProgress["status"], fraction: job.progress, error: job.error_message || null }));
      return;
    }
    let done = false;
    const source = new EventSource(job.events_url);
    const end = async () => {
      if (done) return;
      done = true;
      source.close();
      try {
        const stored = await ok(api.GET("/api/jobs/{job_id}", { params: { path: { job_id: job.id } } }));
        setFinal(stored);
        setProgress((p) => ({
          ...p,
          status: stored.status as JobProgress["status"],
          error: stored.error_message || p.error,
        }));
        finished.current?.(stored);
      } catch {
        /* the next render retries nothing; the job list shows its state */
      }
    };
    const onEvent = (message: MessageEvent<string>) => {
      const event = parseJobEvent(message.data);
      if (!event) return;
      setProgress((p) => applyJobEvent(p, event));
      if (FINAL_STATUSES.has(event.type)) void end();
    };
    // The server names each event by its type (``event: progress``); unnamed ones arrive as "message".
    source.onmessage = onEvent;
    for (const type of JOB_EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onerror = () => {
      // The stream ends after the final event; if it broke early, EventSource reconnects with Last-Event-ID.
      if (source.readyState === EventSource.CLOSED) void end();
    };
    return () => {
      done = true;
      source.close();
    };
  }, [job?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  return { progress, final };
}
