// @vitest-environment jsdom
// The library pickers in the style and character editors: what is picked is what gets saved.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

// openapi-fetch keeps the fetch and Request it finds when the client is made: the stubs must be there
// first. Node's Request, unlike a browser's, needs a base for the client's same-origin paths.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn();
  globalThis.fetch = mock;
  const NodeRequest = globalThis.Request;
  globalThis.Request = class extends NodeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://localhost") : input, init);
    }
  };
  return mock;
});

import type { Character, Comic } from "../../api/client";
import { keys } from "../../api/queries";
import { CharactersView } from "../characters/CharactersView";
import { StyleEditor } from "../styles/StyleEditor";
import { LIBRARY } from "./testModels";

const comic = {
  id: 1,
  title: "Ink",
  spec: { style: { name: "custom", checkpoint: "tiny-random-sdxl", loras: [] }, generation: { steps: 3 } },
  character_count: 1,
  panel_count: 0,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
} as unknown as Comic;
const mia = { id: 7, comic_id: 1, name: "Mia", position: 0, reference_images: [], spec: { trigger_words: ["redhead"], loras: [] } } as unknown as Character;

/** The bodies of the PATCH requests sent to ``path``. */
async function patches(path: string): Promise<Record<string, unknown>[]> {
  const requests = fetchMock.mock.calls.map(([r]) => r as Request).filter((r) => r.method === "PATCH" && new URL(r.url).pathname === path);
  return Promise.all(requests.map((r) => r.clone().json()));
}

function renderWith(ui: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.models, LIBRARY);
  client.setQueryData(keys.styles, []);
  client.setQueryData(keys.comic(1), comic);
  client.setQueryData(keys.characters(1), [mia]);
  render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

beforeEach(() => {
  document.cookie = "csrftoken=test-token";
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (request: Request) => {
    const body = request.method === "PATCH" ? await request.clone().json() : {};
    const answer = request.url.includes("/characters/") ? { ...mia, spec: { ...mia.spec, ...body } } : { ...comic, spec: { ...comic.spec, ...body } };
    return new Response(JSON.stringify(request.method === "PATCH" ? answer : []), { status: 200, headers: { "Content-Type": "application/json" } });
  });
});
afterEach(cleanup);

const option = (name: string) => screen.getAllByRole("option").find((o) => o.querySelector("strong")?.textContent === name)!;

describe("the style editor", () => {
  it("saves the checkpoint and refiner picked from the library", async () => {
    renderWith(<StyleEditor comic={comic} />);
    const checkpoint = screen.getByRole("combobox", { name: "Checkpoint" });
    expect((checkpoint as HTMLInputElement).value).toBe("tiny-random-sdxl");
    fireEvent.focus(checkpoint);
    fireEvent.change(checkpoint, { target: { value: "dyna" } });
    fireEvent.click(option("dynavisionXL.safetensors"));
    const refiner = screen.getByRole("combobox", { name: "Refiner" });
    fireEvent.focus(refiner);
    fireEvent.change(refiner, { target: { value: "refiner-from-a-folder" } });
    fireEvent.blur(refiner);
    await waitFor(async () => expect((await patches("/api/comics/1")).length).toBe(1), { timeout: 3000 });
    const [body] = await patches("/api/comics/1");
    expect(body.style).toMatchObject({ checkpoint: "dynavisionXL.safetensors", refiner: "refiner-from-a-folder" });
  });

  it("keeps style LoRAs of another family than the checkpoint's from being picked", () => {
    renderWith(<StyleEditor comic={comic} />);
    fireEvent.click(screen.getByRole("button", { name: "Add LoRA" }));
    const lora = screen.getByRole("combobox", { name: "Style LoRAs 1 name" });
    fireEvent.focus(lora);
    expect(option("loras/old-anime-sd15.safetensors").getAttribute("aria-disabled")).toBe("true");
    expect(option("loras/ink-style.safetensors").hasAttribute("aria-disabled")).toBe(false);
  });
});

describe("the character editor", () => {
  it("adds a LoRA from the library and, if asked, its trigger words", async () => {
    renderWith(<CharactersView comicId={1} characterId={7} />);
    fireEvent.click(screen.getByRole("button", { name: "Add LoRA" }));
    const lora = screen.getByRole("combobox", { name: "Character LoRAs 1 name" });
    expect(document.activeElement).toBe(lora);
    fireEvent.focus(lora);
    fireEvent.change(lora, { target: { value: "mia_girl" } });
    fireEvent.keyDown(lora, { key: "Enter" });
    expect((lora as HTMLInputElement).value).toBe("loras/mia-character.safetensors");
    const offer = screen.getByTestId("trigger-offer");
    expect(offer.textContent).toContain("mia_girl");
    fireEvent.click(screen.getByRole("button", { name: "Add to trigger words" }));
    expect(screen.queryByTestId("trigger-offer")).toBeNull();
    expect((screen.getByLabelText("Trigger words") as HTMLInputElement).value).toBe("redhead, mia_girl");
    await waitFor(async () => expect((await patches("/api/characters/7")).length).toBe(1), { timeout: 3000 });
    const [body] = await patches("/api/characters/7");
    expect(body.loras).toEqual([{ name: "loras/mia-character.safetensors", strength_model: 1, strength_clip: 1 }]);
    expect(body.trigger_words).toEqual(["redhead", "mia_girl"]);
  });

  it("keeps a LoRA name typed by hand that the library lacks", async () => {
    renderWith(<CharactersView comicId={1} characterId={7} />);
    fireEvent.click(screen.getByRole("button", { name: "Add LoRA" }));
    const lora = screen.getByRole("combobox", { name: "Character LoRAs 1 name" });
    fireEvent.change(lora, { target: { value: "elsewhere/my-own.safetensors" } });
    fireEvent.keyDown(lora, { key: "Enter" });
    expect(screen.queryByTestId("trigger-offer")).toBeNull();
    await waitFor(async () => expect((await patches("/api/characters/7")).length).toBe(1), { timeout: 3000 });
    const [body] = await patches("/api/characters/7");
    expect(body.loras).toEqual([{ name: "elsewhere/my-own.safetensors", strength_model: 1, strength_clip: 1 }]);
  });
});
