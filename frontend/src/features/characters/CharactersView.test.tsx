// @vitest-environment jsdom
// A new character opens at once from the server's answer: a slow list read begun before it existed
// neither hides it nor leaves the page saying there is no character.
import { resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { renderApp } from "../../test/render";
import { character, studioRoutes } from "../../test/fixtures";

vi.mock("react-konva", () => import("../../test/konvaStub"));

beforeEach(() => {
  resetServer();
  studioRoutes({ characters: [] });
});
afterEach(cleanup);

describe("adding a character", () => {
  it("opens the new character while the list is still being read again", async () => {
    const { router } = renderApp("/comics/1/characters");
    expect(await screen.findByText(/Add a character/)).toBeTruthy();
    route("GET", "/api/comics/:id/characters", () => new Promise(() => {})); // a list read that never answers
    route("POST", "/api/comics/:id/characters", character(7, "Ada"));
    fireEvent.change(screen.getByTestId("new-character-name"), { target: { value: "Ada" } });
    fireEvent.click(screen.getByTestId("add-character"));
    expect(await screen.findByDisplayValue("Ada")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Ada" })).toBeTruthy();
    await waitFor(() => expect(router.state.location.pathname).toBe("/comics/1/characters/7"));
    expect(screen.queryByText(/Add a character/)).toBeNull();
  });
});
