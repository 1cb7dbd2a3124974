// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

// openapi-fetch keeps the fetch and Request it finds when the client is made: the stubs must be there first.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn();
  globalThis.fetch = mock;
  const NodeRequest = globalThis.Request;
  globalThis.Request = class extends NodeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://localhost") : input, init);
    }
  };
  return mock;
});

import type { Image, Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { CandidateGrid } from "./GenerateSection";

const JOB = "00000000-0000-0000-0000-000000000001";
const panel = (seed: number | null) => ({ id: 5, comic_id: 1, position: 0, spec: { seed }, sketch: null, bubbles: [], picked_image: null }) as Panel;
const image = (id: number, candidate: number, seed: number): Image => ({
  id,
  panel_id: 5,
  job_id: JOB,
  candidate,
  seed,
  width: 64,
  height: 64,
  picked: false,
  url: `/api/images/${id}/file`,
  created_at: "2026-01-01T00:00:00Z",
});

async function patches(): Promise<Record<string, unknown>[]> {
  const requests = fetchMock.mock.calls.map(([r]) => r as Request).filter((r) => r.method === "PATCH" && new URL(r.url).pathname === "/api/panels/5");
  return Promise.all(requests.map((r) => r.clone().json()));
}

function renderGrid(shown: Panel) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.images(5), [image(7, 0, 123456), image(8, 1, 123457)]);
  client.setQueryData(keys.panels(1), [shown]);
  render(
    <QueryClientProvider client={client}>
      <CandidateGrid panel={shown} jobId={JOB} />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  document.cookie = "csrftoken=test-token";
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (request: Request) => {
    const body = request.method === "PATCH" ? await request.clone().json() : {};
    const answer = request.method === "PATCH" ? { ...panel(null), spec: { ...body } } : [];
    return new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } });
  });
});
afterEach(cleanup);

describe("candidate seeds", () => {
  it("shows each candidate's seed and locks the panel to the one asked for", async () => {
    renderGrid(panel(null));
    expect(screen.getByText(/seed 123456/)).toBeTruthy();
    expect(screen.getByText(/seed 123457/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Lock the seed of candidate 2" }));
    await waitFor(async () => expect(await patches()).toEqual([{ seed: 123457 }]));
  });

  it("unlocks the seed the panel is locked to", async () => {
    renderGrid(panel(123456));
    expect(screen.queryByRole("button", { name: "Lock the seed of candidate 1" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Unlock seed 123456" }));
    await waitFor(async () => expect(await patches()).toEqual([{ seed: null }]));
  });
});
