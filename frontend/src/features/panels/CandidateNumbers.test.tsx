// @vitest-environment jsdom
// A candidate keeps its number on every tab, whichever job is the latest; the candidate count is kept on the panel.
import "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";

import type { Comic, Image, Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { initialProgress } from "../../lib/jobEvents";
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { renderWithProviders, testClient } from "../../test/render";
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
  const client = testClient();
  client.setQueryData(keys.images(5), IMAGES);
  client.setQueryData(keys.panels(1), [panel]);
  client.setQueryData(keys.comic(1), { id: 1, spec: { generation: { candidates: 2 } } } as unknown as Comic);
  return renderWithProviders(ui as React.ReactElement, { client });
}

beforeEach(() => {
  resetServer();
  route("PATCH", "/api/panels/5", async (request: Request) => ({ ...panel, spec: { ...panel.spec, ...(await request.json()) } }));
  route("PUT", "/api/comics/1/cover", async (request: Request) => ({ id: 1, cover_image_id: (await request.json()).image_id }));
});
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
    await waitFor(async () => expect(await bodiesOf("PATCH", "/api/panels/5")).toEqual([{ candidates: 5 }]), { timeout: 3000 });
  });
});

describe("the cover", () => {
  it("can be any candidate", async () => {
    renderWith(<CandidateGrid panel={panel} jobId={null} />);
    fireEvent.click(screen.getByRole("button", { name: "Use candidate 2 as the comic's cover" }));
    await waitFor(async () => expect(await bodiesOf("PUT", "/api/comics/1/cover")).toEqual([{ image_id: 8 }]));
  });
});
