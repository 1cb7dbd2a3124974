// @vitest-environment jsdom
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderWithProviders } from "../../test/render";
import { comic } from "../../test/fixtures";
import { StyleEditor } from "./StyleEditor";

vi.mock("react-konva", () => import("../../test/konvaStub"));

const MANGA = { name: "Manga", prompt_prefix: "manga panel, screentone", negative_prompt: "color", loras: [], checkpoint: null };
const shown = comic(1, { spec: { style: { name: "", prompt_prefix: "" }, generation: { steps: 20, width: 1024, height: 1024, candidates: 2 } } });

beforeEach(() => {
  resetServer();
  route("GET", "/api/styles", [MANGA]);
  route("GET", "/api/models", []);
  route("PATCH", "/api/comics/1", async (r: Request) => comic(1, { spec: { ...shown.spec, ...(await r.clone().json()) } }));
});
afterEach(cleanup);

describe("style editor", () => {
  it("applies a preset and saves it with the comic", async () => {
    const user = userEvent.setup();
    renderWithProviders(<StyleEditor comic={shown} />);
    await user.click(await screen.findByRole("radio", { name: /Manga/ }));
    expect(screen.getByRole("radio", { name: /Manga/ }).getAttribute("aria-checked")).toBe("true");
    expect((screen.getByLabelText("Style name") as HTMLInputElement).value).toBe("Manga");
    await waitFor(() => expect(screen.getByTestId("style-save-status").textContent).toBe("Saved"), { timeout: 3000 });
    expect(await bodiesOf("PATCH", "/api/comics/1")).toEqual([{ style: MANGA }]);
  });

  it("saves the sampling defaults typed in", async () => {
    const user = userEvent.setup();
    renderWithProviders(<StyleEditor comic={shown} />);
    const steps = await screen.findByLabelText("Steps");
    await user.clear(steps);
    await user.type(steps, "8");
    await waitFor(() => expect(screen.getByTestId("style-save-status").textContent).toBe("Saved"), { timeout: 3000 });
    const [body] = (await bodiesOf("PATCH", "/api/comics/1")) as { generation: { steps: number } }[];
    expect(body.generation.steps).toBe(8);
  });
});
