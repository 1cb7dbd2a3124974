// Fast drafts as the studio sees them: the comic's choice, the LoRA file its profile draws with, and
// how to tell a draft from a final afterwards.
import type { Comic, DrawnWith, FastProfile, LibraryModel } from "../../api/client";
import { ApiError } from "../../lib/errors";

/** The profile drafts use when the comic names none (as on the server). */
export const DEFAULT_PROFILE = "lightning";

/** Where the comic's fast-draft settings are edited (the link target of the hints). */
export const FAST_SETTINGS_ID = "fast-drafts";

export interface ComicFast {
  fast: boolean;
  profile: string;
  /** The author's own file for the profile's LoRA, if any. */
  ownLora: string | null;
}

/** The comic's fast-draft settings, with the server's defaults filled in. */
export function comicFast(comic: Comic | undefined): ComicFast {
  const generation = (comic?.spec.generation ?? {}) as { fast?: boolean; fast_profile?: string; fast_lora?: string | null };
  return { fast: Boolean(generation.fast), profile: generation.fast_profile ?? DEFAULT_PROFILE, ownLora: generation.fast_lora ?? null };
}

/** The LoRA file a draft adds: the author's own file, else the profile's (none for a distilled checkpoint). */
export function draftLora(profile: FastProfile | undefined, ownLora: string | null): string | null {
  if (!profile?.lora) return null;
  return ownLora ?? profile.lora;
}

/** Whether the library lists the LoRA file ``name`` (the library names files by folder and stem: "loras/x"). */
export function isInstalled(models: LibraryModel[] | undefined, name: string): boolean {
  const stem = name.replace(/\.safetensors$/, "");
  return (models ?? []).some((m) => [name, stem].some((n) => m.name === n || m.name.endsWith(`/${n}`)));
}

/** The server's "not installed" problem with the draft's LoRA ``lora`` (its field and message), if the error is one. */
export function missingDraftLora(error: unknown, lora: string | null): { field: string; message: string } | undefined {
  if (!lora || !(error instanceof ApiError)) return undefined;
  const found = Object.entries(error.fields).find(([key, message]) => /^generation\.loras\.\d+$/.test(key) && message.includes(lora));
  return found && { field: found[0], message: found[1] };
}

/** How a candidate was drawn, for its card: "Draft (lightning) · 4 steps · euler", else its steps and sampler. */
export function drawnLabel(drawn: DrawnWith | null | undefined): string | null {
  if (!drawn) return null;
  const settings = `${drawn.steps} step${drawn.steps === 1 ? "" : "s"} · ${drawn.sampler}`;
  return drawn.fast_profile ? `Draft (${drawn.fast_profile}) · ${settings}` : settings;
}
