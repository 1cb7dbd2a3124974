import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Panel, type PanelPatch } from "../../api/client";
import { keys } from "../../api/queries";

/** PATCH a panel, shown at once in the panel list and rolled back if the server refuses. */
export function usePanelPatch(panel: Pick<Panel, "id" | "comic_id">) {
  const client = useQueryClient();
  const listKey = keys.panels(panel.comic_id);
  return useMutation({
    mutationFn: (body: PanelPatch) => ok(api.PATCH("/api/panels/{panel_id}", { params: { path: { panel_id: panel.id } }, body })),
    onMutate: async (body) => {
      await client.cancelQueries({ queryKey: listKey });
      const previous = client.getQueryData<Panel[]>(listKey);
      const { sketch_id: _sketch, ...spec } = body;
      client.setQueryData<Panel[]>(listKey, (list) =>
        list?.map((p) => (p.id === panel.id ? { ...p, spec: { ...p.spec, ...spec } } : p)),
      );
      return { previous };
    },
    onError: (_e, _b, context) => client.setQueryData(listKey, context?.previous),
    onSuccess: (saved) => {
      client.setQueryData<Panel[]>(listKey, (list) => list?.map((p) => (p.id === saved.id ? saved : p)));
      void client.invalidateQueries({ queryKey: keys.composed(saved.id) });
    },
  });
}
