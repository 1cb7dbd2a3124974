// @vitest-environment jsdom
// A candidate keeps its number on every tab, whichever job is the latest; the candidate count is kept on the panel.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

const fetchMock = await vi.hoisted(async () => (await import("../../testing/api")).installFetchStub());

import type { Comic, Image, Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { initialProgress } from "../../lib/jobEvents";
import { sent, serve } from "../../testing/api";
import { CandidateGrid, GenerateSection } from "./GenerateSection";

const GENERATED = "00000000-0000-0000-0000-000000000001";
const REPAINTED = "00000000-0000-0000-0000-000000000002";
const panel = { id: 5, comic_id: 1, position: 0, spec: { description: "a rocket", candidates: null }, sketch: null, bubbles: [], picked_image: null } as unknown as Panel;
const image = (id: number, job: string, candidate: number, day: number): Image => ({
  id,
  panel_id: 5,
  job_id: job,
  candidate,
  seed: 100 + id,
  width: 64,
  height: 64,
  picked: false,
  url: `/api/images/${id}/file`,
  created_at: `2026-01-0${day}T00:00:00Z`,
});
// Newest first, as the server lists them: a repaint after a run of two.
const IMAGES = [image(9, REPAINTED, 0, 2), image(7, GENERATED, 0, 1), image(8, GENERATED, 1, 1)];

function renderWith(ui: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.images(5), IMAGES);
  client.setQueryData(keys.panels(1), [panel]);
  client.setQueryData(keys.comic(1), { id: 1, spec: { generation: { candidates: 2 } } } as unknown as Comic);
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

beforeEach(() =>
  serve(fetchMock, {
    "PATCH /api/panels/5": (_r, body) => ({ ...panel, spec: { ...panel.spec, ...(body as object) } }),
    "PUT /api/comics/1/cover": (_r, body) => ({ id: 1, cover_image_id: (body as { image_id: number }).image_id }),
  }),
);
afterEach(cleanup);

describe("candidate numbers", () => {
  it("are the same whichever run is shown as the latest", () => {
    const label = (jobId: string | null) => {
      const view = renderWith(<CandidateGrid panel={panel} jobId={jobId} />);
      const alt = screen.getByRole("img", { name: /seed 107/ }).getAttribute("alt");
      view.unmount();
      return alt;
    };
    expect(label(GENERATED)).toBe("Candidate 1 (seed 107)");
    expect(label(REPAINTED)).toBe("Candidate 1 (seed 107)");
    expect(label(null)).toBe("Candidate 1 (seed 107)");
  });
});

describe("the candidate count", () => {
  it("is saved on the panel, so it is still there on coming back", async () => {
    const generate = { mutate: vi.fn(), isPending: false, error: null, variables: undefined } as never;
    renderWith(<GenerateSection panel={panel} job={null} progress={initialProgress()} running={false} generate={generate} />);
    fireEvent.change(screen.getByTestId("candidate-count"), { target: { value: "5" } });
    await waitFor(async () => expect(await sent(fetchMock, "PATCH /api/panels/5")).toEqual([{ candidates: 5 }]), { timeout: 3000 });
  });
});

describe("the cover", () => {
  it("can be any candidate", async () => {
    renderWith(<CandidateGrid panel={panel} jobId={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Use candidate 2 as the comic's cover" }));
    await waitFor(async () => expect(await sent(fetchMock, "PUT /api/comics/1/cover")).toEqual([{ image_id: 8 }]));
  });
});
