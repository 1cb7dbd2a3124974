// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { keys } from "../../api/queries";
import { ModelPicker, type ModelPickerProps } from "./ModelPicker";
import { formatSize, pickable } from "./library";
import { LIBRARY } from "./testModels";

afterEach(cleanup);

function setup(props: Partial<ModelPickerProps> = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  client.setQueryData(keys.models, LIBRARY);
  const onChange = vi.fn();
  render(
    <QueryClientProvider client={client}>
      <ModelPicker label="Checkpoint" kind="checkpoint" value={null} onChange={onChange} {...props} />
    </QueryClientProvider>,
  );
  const box = screen.getByRole("combobox", { name: props.label ?? "Checkpoint" });
  fireEvent.focus(box);
  return { box, onChange };
}

const names = () => screen.queryAllByRole("option").map((o) => o.querySelector("strong")?.textContent);

describe("ModelPicker", () => {
  it("lists the checkpoints, built-in ones too, with family and size, and nothing of another kind", () => {
    setup();
    expect(names()).toEqual(["dynavisionXL.safetensors", "tiny-random-sd15", "tiny-random-sdxl"]);
    const dynavision = screen.getAllByRole("option")[0];
    expect(dynavision.textContent).toContain("SDXL · 6.9 GB");
    expect(dynavision.querySelector("img")?.getAttribute("src")).toBe("/api/models/preview?name=dynavisionXL.safetensors");
    expect(screen.getAllByRole("option")[2].textContent).toContain("SDXL · built-in");
  });

  it("searches names and trigger words", () => {
    const { box } = setup({ label: "LoRA", kind: "lora" });
    expect(names()).toHaveLength(3);
    fireEvent.change(box, { target: { value: "MIA_girl" } });
    expect(names()).toEqual(["loras/mia-character.safetensors"]);
    expect(screen.getByRole("option").textContent).toContain("triggers: mia_girl");
    fireEvent.change(box, { target: { value: "ink lines" } });
    expect(names()).toEqual(["loras/ink-style.safetensors"]);
    fireEvent.change(box, { target: { value: "nothing-like-this" } });
    expect(names()).toEqual([]);
    expect(screen.getByRole("listbox").textContent).toContain("No model in the library matches");
  });

  it("puts LoRAs of the checkpoint's family first and refuses those of another family", () => {
    const { onChange } = setup({ label: "LoRA", kind: "lora", family: "sdxl" });
    expect(names()).toEqual(["loras/ink-style.safetensors", "loras/mia-character.safetensors", "loras/old-anime-sd15.safetensors"]);
    const other = screen.getAllByRole("option")[2];
    expect(other.getAttribute("aria-disabled")).toBe("true");
    expect(other.textContent).toContain("other family");
    fireEvent.click(other);
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getAllByRole("option")[0].hasAttribute("aria-disabled")).toBe(false);
  });

  it("picks with the mouse, and with the arrows and Enter, giving the library entry", () => {
    const { box, onChange } = setup({ label: "LoRA", kind: "lora", family: "sdxl" });
    fireEvent.click(screen.getAllByRole("option")[1]);
    expect(onChange).toHaveBeenLastCalledWith("loras/mia-character.safetensors", expect.objectContaining({ trigger_words: ["mia_girl"] }));
    expect((box as HTMLInputElement).value).toBe("loras/mia-character.safetensors");
    expect(screen.queryByRole("listbox")).toBeNull();

    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(box.getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "ArrowUp" });
    const active = screen.getByRole("listbox").querySelector(".active");
    expect(box.getAttribute("aria-activedescendant")).toBe(active?.id);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onChange).toHaveBeenLastCalledWith("loras/ink-style.safetensors", expect.objectContaining({ kind: "lora" }));
  });

  it("keeps a name the library lacks as typed, and Escape goes back to the saved value", () => {
    const { box, onChange } = setup({ value: "tiny-random-sdxl" });
    fireEvent.change(box, { target: { value: "stabilityai/sdxl-turbo" } });
    fireEvent.keyDown(box, { key: "Escape" });
    expect((box as HTMLInputElement).value).toBe("tiny-random-sdxl");
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.change(box, { target: { value: "stabilityai/sdxl-turbo" } });
    fireEvent.blur(box);
    expect(onChange).toHaveBeenLastCalledWith("stabilityai/sdxl-turbo");
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: "" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it("marks the saved model as selected", () => {
    setup({ value: "tiny-random-sdxl" });
    const listbox = screen.getByRole("listbox");
    expect(within(listbox).getByRole("option", { selected: true }).textContent).toContain("tiny-random-sdxl");
  });
});

describe("library helpers", () => {
  it("sizes files for people", () => {
    expect([formatSize(0), formatSize(812), formatSize(144_000_000), formatSize(6_938_000_000)]).toEqual(["", "812 B", "144 MB", "6.9 GB"]);
  });

  it("offers VAEs for the VAE field only, and refiners for the refiner field only", () => {
    expect(pickable(LIBRARY, "vae", "").map((m) => m.name)).toEqual(["vae/sdxl-vae-fp16.safetensors"]);
    expect(pickable(LIBRARY, "refiner", "").map((m) => m.name)).toEqual(["sd_xl_refiner_1.0", "tiny-random-sdxl-refiner"]);
  });
});
