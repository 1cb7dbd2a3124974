import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Panel } from "../../api/client";
import { keys, usePanels } from "../../api/queries";
import { ErrorMessage, Field, Link } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { comicPath, navigate, panelPath } from "../../lib/router";
import { PanelEditor } from "./PanelEditor";
import { GenerateAll } from "../batch/GenerateAll";

/** "3. The launch" when the panel has a name, else "3. " and the start of its description. */
export function panelTitle(panel: Panel, index: number): string {
  const name = String(panel.spec.name ?? "").trim();
  if (name) return `${index + 1}. ${name}`;
  const description = String(panel.spec.description ?? "");
  return `${index + 1}. ${description.length > 40 ? `${description.slice(0, 40)}…` : description}`;
}

export function PanelsView({ comicId, panelId, tab }: { comicId: number; panelId?: number; tab?: string }) {
  const client = useQueryClient();
  const panels = usePanels(comicId);
  const [description, setDescription] = useState("");
  const create = useMutation({
    mutationFn: () => ok(api.POST("/api/comics/{comic_id}/panels", { params: { path: { comic_id: comicId } }, body: { description } })),
    onSuccess: (panel) => {
      setDescription("");
      client.setQueryData<Panel[]>(keys.panels(comicId), (list) => [...(list ?? []), panel]);
      void client.invalidateQueries({ queryKey: keys.comic(comicId) });
      navigate(panelPath(comicId, panel.id));
    },
  });
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  // A link to a panel that is gone (deleted in another tab) says so rather than showing another panel.
  const missing = panelId != null && panels.data != null && !panels.data.some((p) => p.id === panelId);
  const selected = missing ? undefined : (panels.data?.find((p) => p.id === panelId) ?? panels.data?.[0]);
  const index = selected && panels.data ? panels.data.indexOf(selected) : -1;
  return (
    <div className="split">
      <aside className="sidebar" aria-label="Panels">
        <h2>Panels</h2>
        <ol className="item-list panel-list">
          {panels.data?.map((p, i) => (
            <li key={p.id}>
              <Link
                to={panelPath(comicId, p.id)}
                className={selected?.id === p.id ? "active" : ""}
                aria-current={selected?.id === p.id ? "page" : undefined}
                data-testid={`panel-link-${i + 1}`}
              >
                {p.picked_image ? <img src={p.picked_image.url} alt="" className="mini" /> : <span className="mini empty" />}
                {panelTitle(p, i)}
              </Link>
            </li>
          ))}
        </ol>
        {panels.data && panels.data.length > 0 && <GenerateAll comicId={comicId} />}
        <form onSubmit={onCreate} aria-label="New panel">
          <Field label="New panel description" error={errorAbout(create.error, "description")}>
            {(p) => (
              <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} required data-testid="new-panel-description" />
            )}
          </Field>
          <button type="submit" disabled={create.isPending} data-testid="add-panel">
            Add panel
          </button>
          <ErrorMessage error={create.error} fields={["description"]} />
        </form>
      </aside>
      <main className="main">
        {panels.isPending && <p>Loading…</p>}
        {missing && (
          <p className="empty-state" data-testid="panel-missing">
            This panel does not exist any more. <Link to={comicPath(comicId, "panels")}>Show the comic's panels</Link>
          </p>
        )}
        {selected ? (
          <PanelEditor key={selected.id} panel={selected} index={index} tab={tab} />
        ) : (
          panels.data && !missing && <p>Add a panel: describe the scene (who, what, where).</p>
        )}
      </main>
    </div>
  );
}
