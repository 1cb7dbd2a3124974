// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderApp } from "../../test/render";
import { author, comic } from "../../test/fixtures";

const INK = { name: "Ink", prompt_prefix: "ink drawing", negative_prompt: "", loras: [], checkpoint: null };

beforeEach(() => {
  resetServer();
  route("GET", "/api/auth/me", author());
  route("GET", "/api/styles", [INK]);
  route("GET", "/api/comics", [comic(1, { title: "Rooftop Days" })]);
});
afterEach(cleanup);

describe("dashboard", () => {
  it("creates a comic in the chosen preset and opens it", async () => {
    route("POST", "/api/comics", comic(9, { title: "Moon Trip" }));
    route("GET", "/api/comics/9", comic(9, { title: "Moon Trip" }));
    route("GET", "/api/comics/9/panels", []);
    route("GET", "/api/comics/9/characters", []);
    const user = userEvent.setup();
    const { router } = renderApp("/");
    await user.type(await screen.findByLabelText("Title"), "Moon Trip");
    await user.selectOptions(screen.getByLabelText("Style preset"), "Ink");
    await user.click(screen.getByRole("button", { name: "Create comic" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/comics/9"));
    expect(await bodiesOf("POST", "/api/comics")).toEqual([{ title: "Moon Trip", style: INK }]);
    expect(((await screen.findByLabelText("Comic title")) as HTMLInputElement).value).toBe("Moon Trip");
  });

  it("asks before deleting a comic and removes it when confirmed", async () => {
    route("DELETE", "/api/comics/1", null);
    const user = userEvent.setup();
    renderApp("/");
    const card = await screen.findByTestId("comic-1");
    await user.click(within(card).getByRole("button", { name: "Delete Rooftop Days" }));
    expect(await bodiesOf("DELETE", "/api/comics/1")).toEqual([]);
    route("GET", "/api/comics", []);
    await user.click(within(card).getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(screen.queryByTestId("comic-1")).toBeNull());
    expect(screen.getByText("No comics yet: create your first one above.")).toBeTruthy();
  });
});
