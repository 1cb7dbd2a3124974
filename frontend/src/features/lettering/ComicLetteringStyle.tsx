// The comic's lettering style: the look every bubble of the comic takes unless it sets its own.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, type LetteringStyle } from "../../api/client";
import { keys, useComic } from "../../api/queries";
import { ErrorMessage } from "../../components/ui";
import { StyleFields } from "./StyleFields";

/** The look of a speech bubble when neither the comic nor the bubble says otherwise (lettering/style.py). */
export const KIND_LOOK = { fill: "#ffffff", border_color: "#000000", text_color: "#000000", bold: false, italic: false, text_stroke: 0 };

export function ComicLetteringStyle({ comicId }: { comicId: number }) {
  const client = useQueryClient();
  const comic = useComic(comicId);
  const style = ((comic.data?.spec as { lettering?: LetteringStyle } | undefined)?.lettering ?? {}) as LetteringStyle;
  const save = useMutation({
    mutationFn: (lettering: LetteringStyle) => ok(api.PATCH("/api/comics/{comic_id}", { params: { path: { comic_id: comicId } }, body: { lettering } })),
    onSuccess: (saved) => {
      client.setQueryData(keys.comic(comicId), saved);
      return client.invalidateQueries({ queryKey: ["lettering"] });
    },
  });
  return (
    <section className="comic-lettering" aria-label="Lettering style of the comic">
      <h3>Comic lettering style</h3>
      <p className="muted small">Every bubble of the comic takes this look unless it sets its own.</p>
      <StyleFields idPrefix="comic" value={style} inherited={KIND_LOOK} inheritedLabel="the kind's default" onChange={(patch) => save.mutate({ ...style, ...patch })} />
      <ErrorMessage error={save.error} />
    </section>
  );
}
