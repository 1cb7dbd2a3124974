// Navigation from outside React components (mutation callbacks): the app's React Router instance
// registers itself here; without one (a component rendered alone in a test) the History API is used.
// The routes themselves are in app/routes.tsx.
import { useLocation } from "react-router";

interface Navigator {
  navigate: (to: string, options?: { replace?: boolean }) => unknown;
}

let active: Navigator | null = null;

/** Make ``router`` the one :func:`navigate` drives (the app does this once; tests with their own router too). */
export function setNavigator(router: Navigator | null): void {
  active = router;
}

/** Go to ``path`` (an in-app URL such as "/comics/3/panels/7/generate"), adding a history entry unless ``replace``. */
export function navigate(path: string, replace = false): void {
  if (active) {
    void active.navigate(path, { replace });
    return;
  }
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
}

export const SECTIONS = ["panels", "characters", "style", "details", "strip"] as const;
export type Section = (typeof SECTIONS)[number];
// "edit" and "lettering" open the canvas on the mask or the lettering layer (older links).
export const PANEL_TABS = ["scene", "generate", "canvas", "edit", "lettering"] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

/** The URL of a comic's section, optionally of one item in it (a panel or a character). */
export function comicPath(comicId: number, section: string = "panels", item?: number): string {
  return `/comics/${comicId}/${section}${item != null ? `/${item}` : ""}`;
}

/** The URL of one step (tab) of a panel: /comics/:id/panels/:panelId/:tab. */
export function panelPath(comicId: number, panelId: number, tab?: string): string {
  return `${comicPath(comicId, "panels", panelId)}${tab ? `/${tab}` : ""}`;
}

/** The current path (inside the app's router). */
export function usePath(): string {
  return useLocation().pathname;
}

/** Route params of ``pattern`` ("/comics/:id") in ``path``, or null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
