// @vitest-environment jsdom
// Pages as they print: margin and bleed are saved on the comic's page layout, the trim and margin lines
// sit where the paper says, and each panel's focus point moves with the arrow keys and is saved.
import "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import type { Comic } from "../../api/client";
import { keys } from "../../api/queries";
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { comic, image, panel } from "../../test/fixtures";
import { renderWithProviders, testClient } from "../../test/render";
import { PagePreview } from "./PagePreview";
import { pageCount, printGuides } from "./pageMath";

const PAGE = { paper: "A4" as const, preset: "2x2" as const, margin_mm: 12, bleed_mm: 3, gutter_mm: 4 };
const inPages: Comic = comic(1, { spec: { layout: { mode: "pages", width: 800, page: PAGE } } });
const pictured = panel(5, 1, { focus_x: 0.5, focus_y: 0.5 }, { picked_image: image(9, 5, { picked: true }) });

beforeEach(() => {
  resetServer();
  route("PATCH", "/api/comics/1", async (request: Request) => ({ ...inPages, spec: { ...inPages.spec, ...(await request.json()) } }));
  route("PATCH", "/api/panels/5", async (request: Request) => ({ ...pictured, spec: { ...pictured.spec, ...(await request.json()) } }));
});
afterEach(cleanup);

function renderPreview() {
  const client = testClient();
  client.setQueryData(keys.comic(1), inPages);
  client.setQueryData(keys.panels(1), [pictured, panel(6)]);
  renderWithProviders(<PagePreview comic={inPages} />, { client });
}

describe("pages as they print", () => {
  it("save the bleed and margin on the page layout, keeping the rest of it", async () => {
    renderPreview();
    fireEvent.change(screen.getByTestId("page-bleed"), { target: { value: "5" } });
    fireEvent.change(screen.getByTestId("page-margin"), { target: { value: "10" } });
    await waitFor(async () => expect((await bodiesOf("PATCH", "/api/comics/1")).length).toBe(1), { timeout: 3000 });
    const [body] = (await bodiesOf("PATCH", "/api/comics/1")) as { layout: { mode: string; page: typeof PAGE } }[];
    expect(body.layout.mode).toBe("pages");
    expect(body.layout.page).toEqual({ ...PAGE, bleed_mm: 5, margin_mm: 10 });
  });

  it("move a panel's focus point with the arrow keys", async () => {
    renderPreview();
    const handle = screen.getByRole("slider", { name: /1\. scene of panel 5: where the frame keeps the picture/ });
    fireEvent.keyDown(handle, { key: "ArrowLeft" });
    await waitFor(async () => expect(await bodiesOf("PATCH", "/api/panels/5")).toEqual([{ focus_x: 0.45, focus_y: 0.5 }]));
    expect(screen.getByText("2. scene of panel 6: no picture picked yet")).toBeTruthy();
  });

  it("count pages and place the trim inside the bleed", () => {
    expect(pageCount(5, PAGE)).toBe(2);
    expect(pageCount(4, { ...PAGE, preset: "manga-5" })).toBe(1);
    const guides = printGuides(PAGE);
    expect(guides.trim.x).toBeCloseTo((3 / 216) * 100, 5); // 3 mm of a 210 + 2 × 3 mm wide sheet
    expect(guides.live.y).toBeCloseTo((15 / 303) * 100, 5);
  });
});
