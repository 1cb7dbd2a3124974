// The model library seen by the pickers: which entries fit a field, in what order, and how to show them.
import type { LibraryModel } from "../../api/client";

/** What a field picks: checkpoints (built-in ones too), SDXL refiners, LoRAs (LyCORIS too), VAEs or control models. */
export type PickKind = "checkpoint" | "refiner" | "lora" | "vae" | "control";

const KINDS: Record<PickKind, string[]> = {
  checkpoint: ["checkpoint"],
  refiner: ["refiner"],
  lora: ["lora", "lycoris"],
  vae: ["vae"],
  control: ["controlnet", "t2i-adapter"],
};

// The built-in random-weight models are listed with kind "built-in"; these are the whole pipelines among them.
const BUILTIN_KINDS: Record<string, string> = {
  "tiny-random-sdxl": "checkpoint",
  "tiny-random-sd15": "checkpoint",
  "tiny-random-sdxl-refiner": "refiner",
  "tiny-random-controlnet": "controlnet",
  "tiny-random-t2i-adapter": "t2i-adapter",
};

/** The entry's kind, with built-in models given the kind of what they are and SDXL refiners told from checkpoints. */
export function kindOf(model: LibraryModel): string {
  if (model.kind === "built-in") return BUILTIN_KINDS[model.name] ?? "built-in";
  return model.kind === "checkpoint" && model.family === "sdxl-refiner" ? "refiner" : model.kind;
}

/** Whether every word of ``query`` is in the entry's name or trigger words (case-insensitive). */
export function matchesQuery(model: LibraryModel, query: string): boolean {
  const text = `${model.name} ${model.trigger_words.join(" ")}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

/** Whether a model of ``family`` can be used with a checkpoint of ``checkpointFamily`` ("" is unknown: yes). */
export function fitsFamily(family: string, checkpointFamily: string | null | undefined): boolean {
  return !family || !checkpointFamily || family === checkpointFamily;
}

/** The entries of ``kind`` matching ``query``: those fitting the checkpoint's family first, then by name. */
export function pickable(models: LibraryModel[], kind: PickKind, query: string, checkpointFamily?: string | null): LibraryModel[] {
  const wanted = KINDS[kind];
  return models
    .filter((m) => wanted.includes(kindOf(m)) && matchesQuery(m, query))
    .sort(
      (a, b) =>
        Number(!fitsFamily(a.family, checkpointFamily)) - Number(!fitsFamily(b.family, checkpointFamily)) ||
        a.name.localeCompare(b.name),
    );
}

/** The family of the checkpoint named ``name`` if the library knows it ("" when not, or none is named). */
export function familyOf(models: LibraryModel[] | undefined, name: string | null | undefined): string {
  if (!name || !models) return "";
  return models.find((m) => m.name === name && kindOf(m) === "checkpoint")?.family ?? "";
}

/** A file size for people: "812 KB", "6.5 GB"; "" for built-in models (size 0). */
export function formatSize(bytes: number): string {
  if (bytes <= 0) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
