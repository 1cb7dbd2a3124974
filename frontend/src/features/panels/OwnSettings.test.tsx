// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders } from "../../test/render";
import { panel } from "../../test/fixtures";
import { OwnSettings } from "./OwnSettings";

beforeEach(() => {
  resetServer();
  route("PATCH", "/api/panels/5", async (r: Request) => panel(5, 1, await r.clone().json()));
});
afterEach(cleanup);

describe("a panel's own sampling settings", () => {
  it("says which settings the panel keeps and goes back to the comic's", async () => {
    const user = userEvent.setup();
    renderWithProviders(<OwnSettings panel={panel(5, 1, { steps: 4, sampler: "euler", cfg: null })} />);
    expect(screen.getByTestId("panel-own-settings").textContent).toContain("its own steps 4, sampler euler.");
    await user.click(screen.getByRole("button", { name: "Use the comic's settings" }));
    await waitFor(async () => expect(await bodiesOf("PATCH", "/api/panels/5")).toEqual([{ steps: null, cfg: null, sampler: null, scheduler: null }]));
  });

  it("shows nothing when the panel follows the comic", () => {
    renderWithProviders(<OwnSettings panel={panel(5)} />);
    expect(screen.queryByTestId("panel-own-settings")).toBeNull();
  });
});
