// @vitest-environment jsdom
import { resetServer } from "../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { renderApp } from "../test/render";
import { studioRoutes } from "../test/fixtures";
import { parseComicPath } from "./routes";

vi.mock("react-konva", () => import("../test/konvaStub"));

beforeEach(() => {
  resetServer();
  studioRoutes();
});
afterEach(cleanup);

describe("deep links", () => {
  it("opens the panel and the step its URL names", async () => {
    renderApp("/comics/1/panels/6/generate");
    expect(await screen.findByRole("heading", { name: "Panel 2" })).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Generate" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("generate")).toBeTruthy();
    expect(screen.getByTestId("section-panels").getAttribute("aria-current")).toBe("page");
  });

  it("opens a panel at its first step when the URL names no step", async () => {
    renderApp("/comics/1/panels/6");
    expect(await screen.findByRole("heading", { name: "Panel 2" })).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Scene & sketch" }).getAttribute("aria-selected")).toBe("true");
  });

  it("puts the chosen step and panel into the URL", async () => {
    const { router } = renderApp("/comics/1/panels/5");
    fireEvent.click(await screen.findByRole("tab", { name: "Canvas" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/comics/1/panels/5/canvas"));
    fireEvent.click(screen.getByTestId("panel-link-2"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/comics/1/panels/6"));
    expect(await screen.findByRole("heading", { name: "Panel 2" })).toBeTruthy();
    // Back in history returns to the first panel at the canvas step.
    await router.navigate(-1);
    expect(await screen.findByRole("heading", { name: "Panel 1" })).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Canvas" }).getAttribute("aria-selected")).toBe("true");
  });

  it("opens a character from its URL", async () => {
    renderApp("/comics/1/characters/3");
    expect(await screen.findByDisplayValue("Mia")).toBeTruthy();
    expect(screen.getByTestId("section-characters").getAttribute("aria-current")).toBe("page");
  });

  it("shows the dashboard at / and a way back from an unknown address", async () => {
    renderApp("/comics/1/nowhere");
    expect(await screen.findByTestId("not-found")).toBeTruthy();
    fireEvent.click(screen.getByRole("link", { name: "Back to your comics" }));
    expect(await screen.findByRole("heading", { name: "Your comics" })).toBeTruthy();
  });
});

describe("parseComicPath", () => {
  it("reads sections, items and panel steps, and refuses anything else", () => {
    expect(parseComicPath("4", "")).toEqual({ comicId: 4, section: "panels", item: undefined, tab: undefined });
    expect(parseComicPath("4", "panels/9/edit")).toEqual({ comicId: 4, section: "panels", item: "9", tab: "edit" });
    expect(parseComicPath("4", "characters/2")).toEqual({ comicId: 4, section: "characters", item: "2", tab: undefined });
    expect(parseComicPath("4", "details")).toEqual({ comicId: 4, section: "details", item: undefined, tab: undefined });
    expect(parseComicPath("4", "characters/2/edit")).toBeNull();
    expect(parseComicPath("4", "panels/9/paint")).toBeNull();
    expect(parseComicPath("4", "panels/x")).toBeNull();
    expect(parseComicPath("x", "panels")).toBeNull();
  });
});

describe("a link to what is gone", () => {
  it("says a panel does not exist any more instead of showing another one", async () => {
    const { router } = renderApp("/comics/1/panels/99/generate");
    expect((await screen.findByTestId("panel-missing")).textContent).toContain("This panel does not exist any more.");
    expect(screen.queryByRole("heading", { name: /^Panel \d/ })).toBeNull();
    fireEvent.click(screen.getByRole("link", { name: "Show the comic's panels" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/comics/1/panels"));
    expect(await screen.findByRole("heading", { name: "Panel 1" })).toBeTruthy();
  });
});
