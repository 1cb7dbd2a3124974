import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ok } from "../../api/client";
import type { components } from "../../api/schema";
import { keys, useComic } from "../../api/queries";
import { DrawAs } from "../fast/DrawAs";
import { comicFast } from "../fast/fast";
import { ErrorMessage } from "../../components/ui";
import { plural } from "../../lib/plural";

export type Batch = components["schemas"]["BatchOut"];
type Scope = "missing" | "all";

export const batchKeys = {
  list: (comicId: number) => ["batches", comicId] as const,
  one: (id: number) => ["batch", id] as const,
};

/** "3 of 5 done · 1 failed · 1 queued": the batch in one line. */
export function batchSummary(batch: Batch): string {
  const parts = [`${batch.succeeded} of ${batch.total} done`];
  if (batch.running) parts.push(`${batch.running} drawing`);
  if (batch.queued) parts.push(`${batch.queued} queued`);
  if (batch.failed) parts.push(`${batch.failed} failed`);
  if (batch.cancelled) parts.push(`${batch.cancelled} cancelled`);
  return parts.join(" · ");
}

/** "Generate the whole comic": one job per panel (those without a pick, or all), followed as one batch. */
export function GenerateAll({ comicId }: { comicId: number }) {
  const client = useQueryClient();
  const [scope, setScope] = useState<Scope>("missing");
  // Unset, each panel draws as it says (its own choice, else the comic's); set, the whole batch does.
  const [draft, setDraft] = useState<boolean | null>(null);
  const comic = useComic(comicId);
  const recent = useQuery({
    queryKey: batchKeys.list(comicId),
    queryFn: () => ok(api.GET("/api/comics/{comic_id}/batches", { params: { path: { comic_id: comicId } } })),
  });
  const start = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/comics/{comic_id}/generate-all", { params: { path: { comic_id: comicId } }, body: { panels: scope, ...(draft == null ? {} : { fast: draft }) } })),
    onSuccess: (batch) => {
      client.setQueryData<Batch[]>(batchKeys.list(comicId), (list) => [batch, ...(list ?? [])]);
      client.setQueryData(batchKeys.one(batch.id), batch);
    },
  });
  const latest = recent.data?.[0];
  const running = latest && !latest.finished;
  return (
    <section className="card generate-all" aria-label="Generate the whole comic" data-testid="generate-all">
      <h3>Generate the whole comic</h3>
      <fieldset className="row" disabled={start.isPending || running}>
        <legend className="visually-hidden">Which panels</legend>
        <label>
          <input type="radio" name={`scope-${comicId}`} checked={scope === "missing"} onChange={() => setScope("missing")} />
          Panels without a picked picture
        </label>
        <label>
          <input type="radio" name={`scope-${comicId}`} checked={scope === "all"} onChange={() => setScope("all")} data-testid="generate-all-every-panel" />
          Every panel
        </label>
        <DrawAs comicId={comicId} draft={draft ?? comicFast(comic.data).fast} onChange={setDraft} disabled={start.isPending || running} />
        <button type="button" className="primary" onClick={() => start.mutate()} data-testid="generate-all-start">
          Generate all
        </button>
      </fieldset>
      <ErrorMessage error={start.error} />
      {latest && (
        <BatchProgress
          batchId={latest.id}
          initial={latest}
          onDone={() => {
            void client.invalidateQueries({ queryKey: keys.panels(comicId) });
            void client.invalidateQueries({ queryKey: batchKeys.list(comicId) });
          }}
        />
      )}
    </section>
  );
}

/** One progress view for a batch: counts by state, a bar, the failed panels, and "cancel all". */
export function BatchProgress({ batchId, initial, onDone }: { batchId: number; initial: Batch; onDone: () => void }) {
  const client = useQueryClient();
  const [reported, setReported] = useState(initial.finished);
  const batch = useQuery({
    queryKey: batchKeys.one(batchId),
    queryFn: () => ok(api.GET("/api/batches/{batch_id}", { params: { path: { batch_id: batchId } } })),
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.finished ? false : 1000),
  });
  const cancel = useMutation({
    mutationFn: () => ok(api.POST("/api/batches/{batch_id}/cancel", { params: { path: { batch_id: batchId } } })),
    onSuccess: (next) => client.setQueryData(batchKeys.one(batchId), next),
  });
  const shown = batch.data;
  if (shown.finished && !reported) {
    setReported(true);
    onDone();
  }
  const finished = shown.succeeded + shown.failed + shown.cancelled;
  const failed = shown.jobs.filter((job) => job.status === "failed");
  return (
    <div className="batch-progress" role="status" aria-live="polite" data-testid="batch-progress">
      <p data-testid="batch-summary">
        {shown.finished ? "Finished: " : `Drawing ${plural(shown.total, "panel")}: `}
        {batchSummary(shown)}
      </p>
      <progress max={shown.total} value={finished} aria-label="Panels finished" />
      {failed.length > 0 && (
        <ul className="errors">
          {failed.map((job) => (
            <li key={job.job_id}>
              Panel {job.panel_number}: {job.error_message}
            </li>
          ))}
        </ul>
      )}
      {!shown.finished && (
        <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="batch-cancel">
          Cancel all
        </button>
      )}
      <ErrorMessage error={cancel.error} />
    </div>
  );
}
