import { useMutation } from "@tanstack/react-query";
import { api, ok, type Job } from "../../api/client";
import { progressLabel, type JobProgress } from "../../lib/jobEvents";
import { ErrorMessage } from "../../components/ui";

/** Step counter, progress bar, the latest preview, and a cancel button while the job runs. */
export function JobProgressView({ job, progress, label = "Job" }: { job: Job; progress: JobProgress; label?: string }) {
  const cancel = useMutation({
    mutationFn: () => ok(api.POST("/api/jobs/{job_id}/cancel", { params: { path: { job_id: job.id } } })),
  });
  const running = progress.status === "queued" || progress.status === "running";
  const percent = Math.round(progress.fraction * 100);
  return (
    <div className="job-progress" data-testid="job-progress" data-status={progress.status}>
      <div className="row between">
        <span role="status" aria-live="polite" data-testid="job-status">
          {label}: {progressLabel(progress, job.kind)}
        </span>
        {running && (
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="cancel-job">
            Cancel
          </button>
        )}
      </div>
      <progress max={100} value={percent} aria-label={`${label} progress`} data-testid="job-progress-bar">
        {percent}%
      </progress>
      {progress.preview && running && <img className="preview" src={progress.preview} alt="Preview of the picture being drawn" data-testid="job-preview" />}
      <ErrorMessage error={cancel.error} />
    </div>
  );
}
