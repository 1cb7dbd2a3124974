// API objects for component tests, as the server returns them; each takes overrides.
import type { Author, Character, Comic, Image, Job, Panel } from "../api/client";
import { route } from "./fakeServer";

export const author = (extra: Partial<Author> = {}): Author => ({ id: 1, username: "mia", ...extra });

export const comic = (id = 1, extra: Partial<Comic> = {}): Comic => ({
  id,
  title: "Rooftop Days",
  spec: { generation: { width: 128, height: 128, candidates: 2 } },
  panel_count: 2,
  character_count: 1,
  cover_image_id: null,
  cover_url: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-02T00:00:00Z",
  changed_at: "2026-01-02T00:00:00Z",
  ...extra,
});

export const panel = (id: number, comicId = 1, spec: Record<string, unknown> = {}, extra: Partial<Panel> = {}): Panel => ({
  id,
  comic_id: comicId,
  position: 0,
  spec: { description: `scene of panel ${id}`, characters: [], ...spec },
  sketch: null,
  bubbles: [],
  picked_image: null,
  ...extra,
});

export const character = (id: number, name: string, comicId = 1, spec: Record<string, unknown> = {}): Character => ({
  id,
  comic_id: comicId,
  name,
  position: 0,
  reference_images: [],
  spec: { description: "", ...spec },
});

export const image = (id: number, panelId: number, extra: Partial<Image> = {}): Image => ({
  id,
  panel_id: panelId,
  job_id: null,
  candidate: 0,
  seed: 1000 + id,
  width: 128,
  height: 128,
  picked: false,
  url: `/api/images/${id}/file`,
  created_at: "2026-01-01T00:00:00Z",
  ...extra,
});

export const job = (id: string, extra: Partial<Job> = {}): Job => ({
  id,
  kind: "generate",
  status: "queued",
  attempts: 0,
  comic_id: 1,
  panel_id: null,
  progress: 0,
  message: "",
  results: [],
  error_type: "",
  error_message: "",
  events_url: `/api/jobs/${id}/events`,
  created_at: "2026-01-01T00:00:00Z",
  started_at: null,
  finished_at: null,
  step: null,
  total: null,
  ...extra,
});

/** Routes of a signed-in author with one comic, its panels and characters (nothing running). */
export function studioRoutes({ panels = [panel(5), panel(6)], characters = [character(3, "Mia")] }: { panels?: Panel[]; characters?: Character[] } = {}) {
  route("GET", "/api/auth/me", author());
  route("GET", "/api/comics", [comic()]);
  route("GET", "/api/styles", []);
  route("GET", "/api/models", []);
  route("GET", "/api/comics/:id", comic());
  route("GET", "/api/comics/:id/panels", panels);
  route("GET", "/api/comics/:id/characters", characters);
  route("GET", "/api/comics/:id/exports", []);
  route("GET", "/api/comics/:id/batches", []);
  route("GET", "/api/characters/:id/portraits", []);
  route("GET", "/api/jobs", []);
  route("GET", "/api/panels/:id/images", []);
  route("GET", "/api/panels/:id/bubbles", []);
  route("GET", "/api/panels/:id/composed", (_r: Request, [id]: string[]) => ({
    prompt: `scene of panel ${id}`,
    negative_prompt: "",
    loras: [],
    references: [],
    regions: [],
    seed: 1,
    width: 128,
    height: 128,
    num_images: 2,
    task: "text_to_image",
    fix_faces: false,
  }));
}
