// Library entries for tests, as GET /api/models gives them.
import type { LibraryModel } from "../../api/client";

export function entry(name: string, kind: string, family: string, extra: Partial<LibraryModel> = {}): LibraryModel {
  const labels: Record<string, string> = { sd1: "SD 1.x", sdxl: "SDXL", "sdxl-refiner": "SDXL refiner" };
  return {
    name,
    kind,
    family,
    family_label: labels[family] ?? "",
    source: kind === "built-in" ? "built-in" : "library",
    size: kind === "built-in" ? 0 : 2_500_000,
    sha256: "",
    trigger_words: [],
    base_model: "",
    description: "",
    preview_url: null,
    ...extra,
  };
}

export const LIBRARY: LibraryModel[] = [
  entry("tiny-random-sdxl", "built-in", "sdxl"),
  entry("tiny-random-sd15", "built-in", "sd1"),
  entry("tiny-random-ip-adapter", "built-in", "sdxl"),
  entry("tiny-random-sdxl-refiner", "built-in", "sdxl"),
  entry("sd_xl_refiner_1.0", "checkpoint", "sdxl-refiner", { size: 6_080_000_000 }),
  entry("dynavisionXL.safetensors", "checkpoint", "sdxl", { size: 6_938_000_000, preview_url: "/api/models/preview?name=dynavisionXL.safetensors" }),
  entry("loras/ink-style.safetensors", "lora", "sdxl", { trigger_words: ["inkstyle", "bold lines"] }),
  entry("loras/mia-character.safetensors", "lycoris", "sdxl", { trigger_words: ["mia_girl"] }),
  entry("loras/old-anime-sd15.safetensors", "lora", "sd1", { trigger_words: ["90s anime"] }),
  entry("vae/sdxl-vae-fp16.safetensors", "vae", "sd-vae"),
];
