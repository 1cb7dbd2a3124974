// @vitest-environment jsdom
// "Generate all" queues the batch and shows one progress view for it, with "cancel all".
import "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";

import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { renderWithProviders } from "../../test/render";
import { comic } from "../../test/fixtures";
import { batchSummary, GenerateAll, type Batch } from "./GenerateAll";

const job = (n: number, status: string, error = "") => ({ job_id: `00000000-0000-0000-0000-00000000000${n}`, panel_id: n, panel_number: n, status, error_message: error });
const batch = (jobs: ReturnType<typeof job>[], counts: Partial<Batch>): Batch => ({
  id: 4,
  comic_id: 1,
  total: jobs.length,
  queued: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  finished: false,
  jobs,
  created_at: "2026-01-01T00:00:00Z",
  ...counts,
});

beforeEach(() => {
  const started = batch([job(1, "running"), job(2, "queued"), job(3, "failed", "out of memory")], { running: 1, queued: 1, failed: 1 });
  const cancelled = batch([job(1, "cancelled"), job(2, "cancelled"), job(3, "failed", "out of memory")], { cancelled: 2, failed: 1, finished: true });
  resetServer();
  route("GET", "/api/comics/1/batches", []);
  route("GET", "/api/comics/:id", comic());
  route("POST", "/api/comics/1/generate-all", started);
  route("GET", "/api/batches/4", started);
  route("POST", "/api/batches/4/cancel", cancelled);
});
afterEach(cleanup);

describe("generate the whole comic", () => {
  it("queues the chosen panels and follows the batch until it is cancelled", async () => {
    renderWithProviders(<GenerateAll comicId={1} />);
    fireEvent.click(await screen.findByTestId("generate-all-every-panel"));
    fireEvent.click(screen.getByTestId("generate-all-start"));
    await waitFor(() => expect(screen.getByTestId("batch-summary").textContent).toBe("Drawing 3 panels: 0 of 3 done · 1 drawing · 1 queued · 1 failed"));
    expect(await bodiesOf("POST", "/api/comics/1/generate-all")).toEqual([{ panels: "all" }]);
    expect(screen.getByText("Panel 3: out of memory")).toBeTruthy();
    fireEvent.click(screen.getByTestId("batch-cancel"));
    await waitFor(() => expect(screen.getByTestId("batch-summary").textContent).toBe("Finished: 0 of 3 done · 1 failed · 2 cancelled"));
    expect(screen.queryByTestId("batch-cancel")).toBeNull();
  });

  it("draws every panel as a fast draft when asked", async () => {
    renderWithProviders(<GenerateAll comicId={1} />);
    fireEvent.click(await screen.findByTestId("draw-as-draft"));
    fireEvent.click(screen.getByTestId("generate-all-start"));
    await waitFor(async () => expect(await bodiesOf("POST", "/api/comics/1/generate-all")).toEqual([{ panels: "missing", fast: true }]));
  });

  it("sums a batch up in one line", () => {
    expect(batchSummary(batch([job(1, "succeeded")], { succeeded: 1, finished: true }))).toBe("1 of 1 done");
  });
});
