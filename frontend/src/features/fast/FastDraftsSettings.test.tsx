// @vitest-environment jsdom
// The comic's fast drafts on the Style page: what is switched and picked is what gets saved.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bodiesOf, resetServer, route } from "../../test/fakeServer";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { comic } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { entry, LIBRARY } from "../models/testModels";
import { StyleEditor } from "../styles/StyleEditor";
import { PROFILES } from "./profiles";

const shown = comic(1, { spec: { style: { name: "custom", checkpoint: "tiny-random-sdxl", loras: [] }, generation: { steps: 20, fast: false } } });

beforeEach(() => {
  resetServer();
  route("GET", "/api/styles", []);
  route("GET", "/api/fast-profiles", PROFILES);
  route("GET", "/api/models", [...LIBRARY, entry("loras/sdxl_lightning_4step_lora", "lora", "sdxl")]);
  route("PATCH", "/api/comics/1", async (request: Request) => ({ ...shown, spec: { ...shown.spec, ...(await request.json()) } }));
});
afterEach(cleanup);

/** The ``generation`` of every PATCH sent, once the autosave has sent ``count`` of them. */
async function savedGenerations(count: number): Promise<Record<string, unknown>[]> {
  let sent: Record<string, unknown>[] = [];
  await waitFor(
    async () => {
      sent = (await bodiesOf("PATCH", "/api/comics/1")) as Record<string, unknown>[];
      expect(sent).toHaveLength(count);
    },
    { timeout: 3000 },
  );
  return sent.map((body) => body.generation as Record<string, unknown>);
}

describe("fast drafts in the comic's settings", () => {
  it("switches drafts on and saves it with the other generation settings", async () => {
    renderWithProviders(<StyleEditor comic={shown} />);
    const toggle = screen.getByRole("switch", { name: "Fast drafts" });
    expect(toggle.getAttribute("aria-checked")).toBe("false");
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    expect(await savedGenerations(1)).toEqual([{ steps: 20, fast: true }]);
  });

  it("lists the profiles with their steps and sources, and saves the one picked", async () => {
    renderWithProviders(<StyleEditor comic={shown} />);
    const hyper = await screen.findByRole("radio", { name: /Hyper-SD, 8 steps/ });
    expect(hyper.textContent).toContain("8 steps");
    expect(hyper.textContent).toContain("ByteDance/Hyper-SD on Hugging Face");
    expect(screen.getByRole("radio", { name: /SDXL-Lightning/ }).getAttribute("aria-checked")).toBe("true");
    fireEvent.click(hyper);
    expect((await savedGenerations(1))[0]).toMatchObject({ fast_profile: "hyper" });
  });

  it("says whether the profile's LoRA is installed, and saves the author's own file for it", async () => {
    renderWithProviders(<StyleEditor comic={shown} />);
    expect((await screen.findByTestId("fast-lora-status")).textContent).toBe("sdxl_lightning_4step_lora.safetensors is installed.");
    const own = screen.getByRole("combobox", { name: "Own LoRA file for this profile" });
    fireEvent.focus(own);
    fireEvent.change(own, { target: { value: "ink" } });
    fireEvent.click(await screen.findByRole("option", { name: /ink-style/ }));
    expect((await savedGenerations(1))[0]).toMatchObject({ fast_lora: "loras/ink-style.safetensors" });
  });

  it("warns when the profile's LoRA is missing, and asks for no LoRA with a distilled checkpoint", async () => {
    route("GET", "/api/models", LIBRARY);
    renderWithProviders(<StyleEditor comic={shown} />);
    expect((await screen.findByTestId("fast-lora-status")).textContent).toContain("is not in the model library");
    fireEvent.click(screen.getByRole("radio", { name: /SDXL-Turbo/ }));
    expect(screen.queryByRole("combobox", { name: "Own LoRA file for this profile" })).toBeNull();
    expect(screen.getByText(/stabilityai\/sdxl-turbo checkpoint instead/)).toBeTruthy();
  });
});
