// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider, type UseMutationResult } from "@tanstack/react-query";
import type { GenerateIn, Job, Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { ApiError } from "../../lib/errors";
import { initialProgress } from "../../lib/jobEvents";
import { GenerateSection } from "./GenerateSection";

afterEach(cleanup);

const panel = { id: 5, comic_id: 1, position: 0, spec: { description: "a cat" }, sketch: null, bubbles: [], picked_image: null } as unknown as Panel;
const NOT_INSTALLED = "LoRA 'cartoon_style_xl' not found (not installed): put cartoon_style_xl.safetensors in /data/models/loras, or generate without it";

function renderSection(error: ApiError) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.images(5), []);
  client.setQueryData(keys.comic(1), { id: 1, title: "c", spec: { generation: { candidates: 1 } } });
  const mutate = vi.fn();
  const generate = { error, variables: { mode: "text", candidates: 1 }, mutate, isPending: false } as unknown as UseMutationResult<Job, Error, GenerateIn>;
  render(
    <QueryClientProvider client={client}>
      <GenerateSection panel={panel} job={null} progress={initialProgress()} running={false} generate={generate} />
    </QueryClientProvider>,
  );
  return mutate;
}

describe("a LoRA that is not installed", () => {
  it("is shown with its fix, and the same generate can be sent without it", () => {
    const mutate = renderSection(new ApiError(422, [{ loc: ["body", "generation", "loras", 0], msg: NOT_INSTALLED }]));
    expect(screen.getByRole("alert").textContent).toContain("put cartoon_style_xl.safetensors in /data/models/loras");
    fireEvent.click(screen.getByRole("button", { name: "Generate without the missing LoRA" }));
    expect(mutate).toHaveBeenCalledWith({ mode: "text", candidates: 1, skip_missing_loras: true });
  });

  it("is not offered for other problems", () => {
    renderSection(new ApiError(422, [{ loc: ["body", "generation", "sampler"], msg: "unknown sampler" }]));
    expect(screen.queryByTestId("generate-without-missing-loras")).toBeNull();
  });
});
