// @vitest-environment jsdom
// The export box marks files older than the comic's last change; a comic in pages previews its pages.
import "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";

import type { Comic, Export, Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { renderWithProviders, testClient } from "../../test/render";
import { StripView } from "./StripView";

const comic = (mode: "webtoon" | "pages") =>
  ({
    id: 1,
    title: "Stars",
    spec: { layout: { mode, width: 800, page: { paper: "A4", preset: "2x2", margin_mm: 12, bleed_mm: 3 } } },
    panel_count: 5,
    character_count: 0,
  }) as unknown as Comic;
const panel = (id: number): Panel => ({ id, comic_id: 1, position: id, spec: { description: `scene ${id}` }, sketch: null, bubbles: [], picked_image: null }) as Panel;
const file = (id: number, outOfDate: boolean) =>
  ({ id, comic_id: 1, job_id: null, format: "cbz", name: `stars-${id}.cbz`, size: 2048, warnings: [], url: `/api/exports/${id}/file`, created_at: "2026-01-01T00:00:00Z", out_of_date: outOfDate }) as Export;

function renderStrip(shown: Comic) {
  const client = testClient();
  client.setQueryData(keys.panels(1), [1, 2, 3, 4, 5].map(panel));
  client.setQueryData(keys.exports(1), [file(1, false), file(2, true)]);
  client.setQueryData(keys.jobs({ comic_id: 1, active: true }), []);
  renderWithProviders(<StripView comic={shown} />, { client });
}

beforeEach(() => {
  resetServer();
  route("GET", "/api/jobs", []);
  route("POST", "/api/comics/1/exports", { id: "j", kind: "export", status: "queued", events_url: "/api/jobs/j/events" });
});
afterEach(cleanup);

describe("exports", () => {
  it("mark only the files older than the comic's last change", () => {
    renderStrip(comic("webtoon"));
    const items = screen.getByTestId("export-files").querySelectorAll("li");
    expect(items[0].textContent).not.toContain("Out of date");
    expect(items[1].textContent).toContain("Out of date: export again");
  });

  it("can leave out the unfinished panels", async () => {
    renderStrip(comic("webtoon"));
    fireEvent.click(screen.getByTestId("skip-unfinished"));
    fireEvent.click(screen.getByTestId("export"));
    await waitFor(async () => expect(await bodiesOf("POST", "/api/comics/1/exports")).toEqual([{ formats: ["cbz"], skip_unfinished: true }]));
  });
});

describe("the preview", () => {
  it("shows the printed pages of a comic laid out in pages, not a strip", () => {
    renderStrip(comic("pages"));
    expect(screen.queryByTestId("strip-preview")).toBeNull();
    const pages = screen.getAllByRole("img", { name: /^Page \d as it prints$/ });
    expect(pages).toHaveLength(2); // 5 panels, 4 frames a page
    expect(new URL((pages[1] as HTMLImageElement).src).pathname).toBe("/api/comics/1/pages/2");
    expect(screen.getByTestId("page-margin")).toBeTruthy();
    expect(screen.getByTestId("page-bleed")).toBeTruthy();
  });

  it("shows the strip of a webtoon", () => {
    renderStrip(comic("webtoon"));
    expect(screen.getByTestId("strip-preview")).toBeTruthy();
    expect(screen.queryByTestId("page-preview")).toBeNull();
  });
});
