// The studio's URLs. Django serves index.html for every path outside /api/, /admin/ and /static/, so
// each of these can be bookmarked, shared and reloaded:
//   /                                          the dashboard
//   /comics/:comicId[/:section]                a comic's panels (default), characters, style, details or strip
//   /comics/:comicId/characters/:characterId   one character
//   /comics/:comicId/panels/:panelId[/:tab]    one panel at one step: scene, generate, canvas
import { createBrowserRouter, type RouteObject, useParams } from "react-router";
import { Dashboard } from "../features/comics/Dashboard";
import { ComicWorkspace } from "../features/comics/ComicWorkspace";
import { Link } from "../components/ui";
import { PANEL_TABS, SECTIONS } from "../lib/router";
import { AppShell } from "./AppShell";

/** Where a comic URL points, or null when it names no page of the studio. */
export function parseComicPath(comicId: string | undefined, rest: string): { comicId: number; section: string; item?: string; tab?: string } | null {
  const id = Number(comicId);
  if (!Number.isInteger(id) || id <= 0) return null;
  const [section = "panels", item, tab, ...extra] = rest.split("/").filter(Boolean);
  if (!(SECTIONS as readonly string[]).includes(section) || extra.length) return null;
  if (item !== undefined && !/^\d+$/.test(item)) return null;
  if (tab !== undefined && (section !== "panels" || !(PANEL_TABS as readonly string[]).includes(tab))) return null;
  return { comicId: id, section, item, tab };
}

function ComicRoute() {
  const params = useParams();
  const where = parseComicPath(params.comicId, params["*"] ?? "");
  if (!where) return <NotFound />;
  return <ComicWorkspace key={where.comicId} comicId={where.comicId} section={where.section} item={where.item} tab={where.tab} />;
}

function NotFound() {
  return (
    <main className="empty-state" data-testid="not-found">
      <h1>Nothing here</h1>
      <p className="muted">This address names no page of the studio.</p>
      <Link to="/" className="button primary">
        Back to your comics
      </Link>
    </main>
  );
}

export const routes: RouteObject[] = [
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <Dashboard /> },
      // One route for the whole comic, so moving between its sections and panels keeps the workspace mounted.
      { path: "comics/:comicId/*", element: <ComicRoute /> },
      { path: "*", element: <NotFound /> },
    ],
  },
];

export const createAppRouter = () => createBrowserRouter(routes);
