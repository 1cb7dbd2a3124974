// @vitest-environment jsdom
import { requests, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderApp } from "../../test/render";
import { panel, studioRoutes } from "../../test/fixtures";

vi.mock("react-konva", () => import("../../test/konvaStub"));

const deletes = () => requests.filter((r) => r.method === "DELETE");

beforeEach(() => {
  resetServer();
  studioRoutes();
  route("DELETE", "/api/panels/6", null);
});
afterEach(cleanup);

describe("deleting a panel", () => {
  it("asks in a dialog; Cancel keeps the panel, confirming deletes it and opens the panel list", async () => {
    const user = userEvent.setup();
    const { router } = renderApp("/comics/1/panels/6/generate");
    await user.click(await screen.findByRole("button", { name: "Delete panel" }));
    const dialog = screen.getByRole("dialog", { name: "Delete panel 2?" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(deletes()).toHaveLength(0);

    route("GET", "/api/comics/:id/panels", [panel(5)]);
    await user.click(screen.getByRole("button", { name: "Delete panel" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete panel" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/comics/1/panels"));
    expect(deletes().map((r) => new URL(r.url).pathname)).toEqual(["/api/panels/6"]);
    expect(await screen.findByRole("heading", { name: "Panel 1" })).toBeTruthy();
  });
});
