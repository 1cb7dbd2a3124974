// Queries of server state (TanStack Query): the server is the source of truth, the cache a view of it.
import { useQuery } from "@tanstack/react-query";
import { api, ok } from "./client";

export const keys = {
  me: ["me"] as const,
  styles: ["styles"] as const,
  models: ["models"] as const,
  fastProfiles: ["fast-profiles"] as const,
  comics: ["comics"] as const,
  comic: (id: number) => ["comic", id] as const,
  characters: (comicId: number) => ["characters", comicId] as const,
  panels: (comicId: number) => ["panels", comicId] as const,
  images: (panelId: number) => ["images", panelId] as const,
  composed: (panelId: number) => ["composed", panelId] as const,
  lettering: (panelId: number) => ["lettering", panelId] as const,
  exports: (comicId: number) => ["exports", comicId] as const,
  job: (id: string) => ["job", id] as const,
  jobs: (filter: object) => ["jobs", filter] as const,
};

export const useComics = () => useQuery({ queryKey: keys.comics, queryFn: () => ok(api.GET("/api/comics")) });
export const useStyles = () =>
  useQuery({ queryKey: keys.styles, queryFn: () => ok(api.GET("/api/styles")), staleTime: Infinity });
/** The whole model library (pickers filter it as the author types). */
export const useModels = () =>
  useQuery({ queryKey: keys.models, queryFn: () => ok(api.GET("/api/models")), staleTime: 60_000 });
/** The fast profiles drafts can be drawn with (a fixed list: fetched once). */
export const useFastProfiles = () =>
  useQuery({ queryKey: keys.fastProfiles, queryFn: () => ok(api.GET("/api/fast-profiles")), staleTime: Infinity });
export const useComic = (id: number) =>
  useQuery({
    queryKey: keys.comic(id),
    queryFn: () => ok(api.GET("/api/comics/{comic_id}", { params: { path: { comic_id: id } } })),
  });
export const useCharacters = (comicId: number) =>
  useQuery({
    queryKey: keys.characters(comicId),
    queryFn: () => ok(api.GET("/api/comics/{comic_id}/characters", { params: { path: { comic_id: comicId } } })),
  });
export const usePanels = (comicId: number) =>
  useQuery({
    queryKey: keys.panels(comicId),
    queryFn: () => ok(api.GET("/api/comics/{comic_id}/panels", { params: { path: { comic_id: comicId } } })),
  });
export const usePanelImages = (panelId: number) =>
  useQuery({
    queryKey: keys.images(panelId),
    queryFn: () => ok(api.GET("/api/panels/{panel_id}/images", { params: { path: { panel_id: panelId } } })),
  });
export const useExports = (comicId: number) =>
  useQuery({
    queryKey: keys.exports(comicId),
    queryFn: () => ok(api.GET("/api/comics/{comic_id}/exports", { params: { path: { comic_id: comicId } } })),
  });
export const useActiveJobs = (filter: { comic_id?: number; panel_id?: number }) =>
  useQuery({
    queryKey: keys.jobs({ ...filter, active: true }),
    queryFn: () => ok(api.GET("/api/jobs", { params: { query: { ...filter, active: true } } })),
  });
export const useComposed = (panelId: number) =>
  useQuery({
    queryKey: keys.composed(panelId),
    queryFn: () => ok(api.GET("/api/panels/{panel_id}/composed", { params: { path: { panel_id: panelId } } })),
  });
