import { useEffect, useState } from "react";
import type { Job } from "../../api/client";
import { FINAL_STATUSES, followJobEvents } from "../../lib/jobEvents";
import { applyTrainingEvent, initialTraining, type TrainingState } from "./trainingEvents";

/** Follow a training job over its event stream (the stream replays what it holds, so the loss curve is whole
 * after a reload); ``onEnd`` runs once the job has ended. */
export function useTrainingStream(job: Job | null | undefined, onEnd: () => void): TrainingState {
  const [state, setState] = useState<TrainingState>(initialTraining);
  const jobId = job?.id;
  const finished = job ? FINAL_STATUSES.has(job.status) : false;
  useEffect(() => {
    setState(initialTraining());
    if (!job) return;
    return followJobEvents(job.events_url, (event) => setState((s) => applyTrainingEvent(s, event)), onEnd);
  }, [jobId]); // eslint-disable-line react-hooks/exhaustive-deps
  // A job that had ended before the page opened: its row says how.
  if (job && finished && state.status !== job.status && state.loss.length === 0) {
    return { ...state, status: job.status as TrainingState["status"], step: job.step ?? 0, error: job.error_message || null };
  }
  return state;
}
