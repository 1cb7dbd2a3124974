import { useEffect, useState } from "react";
import type { Job } from "../../api/client";
import { FINAL_STATUSES, JOB_EVENT_TYPES, parseJobEvent } from "../../lib/jobEvents";
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
    const source = new EventSource(job.events_url);
    let ended = false;
    const onEvent = (message: MessageEvent<string>) => {
      const event = parseJobEvent(message.data);
      if (!event) return;
      setState((s) => applyTrainingEvent(s, event));
      if (FINAL_STATUSES.has(event.type) && !ended) {
        ended = true;
        source.close();
        onEnd();
      }
    };
    source.onmessage = onEvent;
    for (const type of JOB_EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !ended) {
        ended = true;
        onEnd();
      }
    };
    return () => {
      ended = true;
      source.close();
    };
  }, [jobId]); // eslint-disable-line react-hooks/exhaustive-deps
  // A job that had ended before the page opened: its row says how.
  if (job && finished && state.status !== job.status && state.loss.length === 0) {
    return { ...state, status: job.status as TrainingState["status"], step: job.step ?? 0, error: job.error_message || null };
  }
  return state;
}
