// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders } from "../../test/render";
import { comic, image, job, panel } from "../../test/fixtures";
import { StripView } from "./StripView";

const shown = comic(1, { spec: { layout: { mode: "strip", width: 800, gutter: 40, margin: 0, background: "#ffffff" }, generation: {} } });
const panels = [panel(5, 1, { description: "a rooftop" }, { picked_image: image(40, 5) }), panel(6, 1, { description: "a pigeon" })];

beforeEach(() => {
  resetServer();
  vi.stubGlobal("EventSource", class { addEventListener() {} close() {} });
  route("GET", "/api/comics/1/panels", panels);
  route("GET", "/api/comics/1/exports", []);
  route("GET", "/api/jobs", []);
  route("PUT", "/api/comics/1/panels/order", async (r: Request) => {
    const { ids } = (await r.clone().json()) as { ids: number[] };
    return ids.map((id, position) => ({ ...panels.find((p) => p.id === id)!, position }));
  });
  route("POST", "/api/comics/1/exports", job("00000000-0000-0000-0000-000000000005", { kind: "export" }));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("strip and export", () => {
  it("moves a panel up and shows the new order", async () => {
    const user = userEvent.setup();
    renderWithProviders(<StripView comic={shown} />);
    await user.click(await screen.findByRole("button", { name: "Move panel 2 up" }));
    expect(await bodiesOf("PUT", "/api/comics/1/panels/order")).toEqual([{ ids: [6, 5] }]);
    await waitFor(() => expect(within(screen.getByTestId("order-item-1")).getByText(/a pigeon/)).toBeTruthy());
  });

  it("previews picked pictures, marks panels without one, and exports the formats chosen", async () => {
    const user = userEvent.setup();
    renderWithProviders(<StripView comic={shown} />);
    const preview = screen.getByTestId("strip-preview");
    expect(await within(preview).findByRole("img", { name: "Panel 1, lettered" })).toBeTruthy();
    expect(within(preview).getByText("Panel 2: no picture picked yet")).toBeTruthy();
    await user.click(screen.getByTestId("export-pdf"));
    await user.click(screen.getByTestId("export"));
    await waitFor(async () => expect(await bodiesOf("POST", "/api/comics/1/exports")).toEqual([{ formats: ["cbz", "pdf"], skip_unfinished: false }]));
    expect(await screen.findByTestId("job-progress")).toBeTruthy();
  });
});
