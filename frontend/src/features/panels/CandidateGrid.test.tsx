// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Image, Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { CandidateGrid } from "./GenerateSection";

afterEach(cleanup);

const panel = { id: 5, comic_id: 1, position: 0, spec: {}, sketch: null, bubbles: [], picked_image: null } as Panel;
const image = (id: number, candidate: number): Image => ({
  id,
  panel_id: 5,
  job_id: "00000000-0000-0000-0000-000000000001",
  candidate,
  seed: 10 + candidate,
  width: 64,
  height: 64,
  picked: false,
  url: `/api/images/${id}/file`,
  created_at: "2026-01-01T00:00:00Z",
});

function renderGrid(onFixFaces?: (image: Image) => void) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.images(panel.id), [image(7, 0), image(8, 1)]);
  render(
    <QueryClientProvider client={client}>
      <CandidateGrid panel={panel} jobId="00000000-0000-0000-0000-000000000001" onFixFaces={onFixFaces} />
    </QueryClientProvider>,
  );
}

describe("CandidateGrid", () => {
  it("fixes the faces of the candidate asked for", () => {
    const onFixFaces = vi.fn();
    renderGrid(onFixFaces);
    fireEvent.click(screen.getByRole("button", { name: "Fix faces of candidate 2" }));
    expect(onFixFaces).toHaveBeenCalledTimes(1);
    expect(onFixFaces.mock.calls[0][0].id).toBe(8);
  });

  it("offers no fix while a job runs", () => {
    renderGrid(undefined);
    expect(screen.getAllByTestId("candidate")).toHaveLength(2);
    expect(screen.queryByRole("button", { name: /Fix faces/ })).toBeNull();
  });
});
