import { useEffect, useRef, useState } from "react";
import { api, ok, type Job } from "../../api/client";
import { applyJobEvent, FINAL_STATUSES, followJobEvents, initialProgress, type JobProgress } from "../../lib/jobEvents";

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
    const end = async () => {
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
    return followJobEvents(
      job.events_url,
      (event) => setProgress((p) => applyJobEvent(p, event)),
      () => void end(),
    );
  }, [job?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  return { progress, final };
}
