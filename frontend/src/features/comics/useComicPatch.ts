import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Comic, type ComicPatch } from "../../api/client";
import { keys } from "../../api/queries";

/** PATCH a comic, shown at once (optimistic) and rolled back if the server refuses. */
export function useComicPatch(comicId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: ComicPatch) =>
      ok(api.PATCH("/api/comics/{comic_id}", { params: { path: { comic_id: comicId } }, body: patch })),
    onMutate: async (patch) => {
      await client.cancelQueries({ queryKey: keys.comic(comicId) });
      const previous = client.getQueryData<Comic>(keys.comic(comicId));
      if (previous) {
        const { title, ...spec } = patch;
        client.setQueryData<Comic>(keys.comic(comicId), {
          ...previous,
          title: title ?? previous.title,
          spec: { ...previous.spec, ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v != null)) },
        });
      }
      return { previous };
    },
    onError: (_error, _patch, context) => {
      if (context?.previous) client.setQueryData(keys.comic(comicId), context.previous);
    },
    onSuccess: (comic) => {
      client.setQueryData(keys.comic(comicId), comic);
      void client.invalidateQueries({ queryKey: keys.comics });
    },
  });
}
