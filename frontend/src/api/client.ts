// The typed API client (openapi-fetch over the generated schema) with the session's CSRF token.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { ApiError } from "../lib/errors";

type S = components["schemas"];
export type Author = S["AuthorOut"];
export type Comic = S["ComicOut"];
export type ComicSpec = S["ComicIn"];
export type ComicPatch = S["ComicPatch"];
export type Style = S["Style"];
export type LoraRef = S["LoraRef"];
export type Layout = S["Layout"];
export type PageLayout = S["PageLayout"];
export type Character = S["CharacterOut"];
export type CharacterSpec = S["CharacterIn"];
export type CharacterPatch = S["CharacterPatch"];
export type Panel = S["PanelOut"];
export type PanelSpec = S["PanelIn"];
export type PanelPatch = S["PanelPatch"];
export type Bubble = S["BubbleOut"];
export type BubbleSpec = S["BubbleIn"];
export type BubblePatch = S["BubblePatch"];
export type BubbleKind = S["BubbleKind"];
export type Asset = S["AssetOut"];
export type Image = S["ImageOut"];
export type Job = S["JobOut"];
export type Export = S["ExportOut"];
export type GenerateIn = S["GenerateIn"];
export type LibraryModel = S["ModelOut"];
export type FastProfile = S["FastProfile"];
export type DrawnWith = S["DrawnWithOut"];
/** Pydantic's (x, y) tuples come through the schema as number[]: the lettering with them as pairs. */
type Pair = [number, number];
export type PlacedBubble = Omit<S["PlacedBubbleOut"], "center" | "outline" | "tail_tip" | "tail_tips" | "trail" | "box"> & {
  center: Pair;
  outline: Pair[] | null;
  trail: Pair[][];
  tail_tip: Pair | null;
  tail_tips: Pair[];
  box: [number, number, number, number];
};
export type Lettering = Omit<S["LetteringOut"], "bubbles" | "crop"> & { bubbles: PlacedBubble[]; crop: [number, number, number, number] };
export type LetteringStyle = S["LetteringStyle"];

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function cookie(name: string): string | null {
  const match = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null;
}

let tokenRequest: Promise<string> | null = null;

/** The CSRF token (from the cookie, else fetched from /api/auth/csrf once). */
export async function csrfToken(): Promise<string> {
  const known = cookie("csrftoken");
  if (known) return known;
  tokenRequest ??= fetch("/api/auth/csrf", { credentials: "same-origin" })
    .then((r) => r.json())
    .then((body: { csrf_token: string }) => body.csrf_token)
    .finally(() => {
      tokenRequest = null;
    });
  return tokenRequest;
}

const csrf: Middleware = {
  async onRequest({ request }) {
    if (UNSAFE.has(request.method)) request.headers.set("X-CSRFToken", await csrfToken());
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

/** The data of an openapi-fetch answer, or an ApiError with the server's detail. */
export async function ok<T>(answer: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok) {
    const detail = error && typeof error === "object" && "detail" in error ? (error as { detail: unknown }).detail : error;
    throw new ApiError(response.status, detail ?? response.statusText);
  }
  return data as T;
}

/** POST a multipart form (uploads, imports): fields and files as the server's Form/File parameters. */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  const response = await fetch(path, {
    method: "POST",
    body: form,
    credentials: "same-origin",
    headers: { "X-CSRFToken": await csrfToken() },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? response.statusText);
  return body as T;
}

export function uploadAsset(file: Blob, name: string, comicId?: number, kind: "image" | "model" = "image") {
  const form = new FormData();
  form.append("file", file, name);
  form.append("kind", kind);
  if (comicId != null) form.append("comic_id", String(comicId));
  return postForm<Asset>("/api/assets", form);
}
