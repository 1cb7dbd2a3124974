import { useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Comic, type Job, type Layout, type Panel } from "../../api/client";
import { keys, useActiveJobs, useExports, usePanels } from "../../api/queries";
import { ErrorMessage, Field, Link, SaveIndicator } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { useAutosave } from "../../lib/useAutosave";
import { useComicPatch } from "../comics/useComicPatch";
import { useJob } from "../jobs/useJob";
import { JobProgressView } from "../jobs/JobProgressView";
import { panelTitle } from "../panels/PanelsView";
import { PagePreview } from "../pages/PagePreview";

const PRESETS = ["single", "two-stacked", "2x2", "three-rows", "manga-5"] as const;
const FORMATS = [
  { id: "webtoon", label: "Webtoon slices" },
  { id: "png", label: "Tall PNG" },
  { id: "pdf", label: "PDF" },
  { id: "cbz", label: "CBZ" },
] as const;
type Format = (typeof FORMATS)[number]["id"];

/** Move ``id`` to ``target``'s place. */
export function moveTo(ids: number[], id: number, target: number): number[] {
  const rest = ids.filter((x) => x !== id);
  const index = rest.indexOf(target);
  if (index < 0) return ids;
  const before = ids.indexOf(id) > ids.indexOf(target);
  rest.splice(before ? index : index + 1, 0, id);
  return rest;
}

export function StripView({ comic }: { comic: Comic }) {
  return (
    <main className="strip">
      <div className="grid-strip">
        <PanelOrder comicId={comic.id} />
        <div>
          <LayoutSettings comic={comic} />
          <ExportBox comic={comic} />
        </div>
      </div>
      <StripPreview comic={comic} />
    </main>
  );
}

function PanelOrder({ comicId }: { comicId: number }) {
  const client = useQueryClient();
  const panels = usePanels(comicId);
  const [dragged, setDragged] = useState<number | null>(null);
  const reorder = useMutation({
    mutationFn: (ids: number[]) => ok(api.PUT("/api/comics/{comic_id}/panels/order", { params: { path: { comic_id: comicId } }, body: { ids } })),
    onMutate: async (ids) => {
      const key = keys.panels(comicId);
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<Panel[]>(key);
      if (previous) {
        client.setQueryData<Panel[]>(key, ids.map((id, position) => ({ ...previous.find((p) => p.id === id)!, position })));
      }
      return { previous };
    },
    onError: (_e, _ids, context) => client.setQueryData(keys.panels(comicId), context?.previous),
    onSuccess: (list) => client.setQueryData(keys.panels(comicId), list),
  });
  const ids = panels.data?.map((p) => p.id) ?? [];
  const move = (id: number, step: number) => {
    const i = ids.indexOf(id);
    const j = i + step;
    if (j < 0 || j >= ids.length) return;
    reorder.mutate(moveTo(ids, id, ids[j]));
  };
  return (
    <section className="card" aria-label="Panel order">
      <h2>Panels in order</h2>
      <p className="muted">Drag a panel onto another to move it there (or use the arrows).</p>
      <ol className="order-list" data-testid="panel-order">
        {panels.data?.map((p, i) => (
          <li
            key={p.id}
            draggable
            data-testid={`order-item-${i + 1}`}
            data-panel-id={p.id}
            className={dragged === p.id ? "dragging" : ""}
            onDragStart={(e) => {
              setDragged(p.id);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", String(p.id));
            }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const id = Number(e.dataTransfer.getData("text/plain")) || dragged;
              setDragged(null);
              if (id && id !== p.id) reorder.mutate(moveTo(ids, id, p.id));
            }}
            onDragEnd={() => setDragged(null)}
          >
            {p.picked_image ? <img src={p.picked_image.url} alt="" className="mini" /> : <span className="mini empty" />}
            <Link to={`/comics/${comicId}/panels/${p.id}`}>{panelTitle(p, i)}</Link>
            <span className="spacer" />
            <button type="button" onClick={() => move(p.id, -1)} disabled={i === 0} aria-label={`Move panel ${i + 1} up`}>
              ↑
            </button>
            <button type="button" onClick={() => move(p.id, 1)} disabled={i === ids.length - 1} aria-label={`Move panel ${i + 1} down`}>
              ↓
            </button>
          </li>
        ))}
      </ol>
      <ErrorMessage error={reorder.error} />
    </section>
  );
}

function LayoutSettings({ comic }: { comic: Comic }) {
  const patch = useComicPatch(comic.id);
  const save = useAutosave((p: { layout: Layout }) => patch.mutateAsync(p));
  const [layout, setLayout] = useState<Layout>(() => comic.spec.layout as Layout);
  const change = (next: Partial<Layout>) => {
    const merged = { ...layout, ...next };
    setLayout(merged);
    save.queue({ layout: merged });
  };
  const page = layout.page ?? {};
  const err = (key: string) => errorAbout(save.error, `layout.${key}`);
  const num = (v: string) => Number(v) || 0;
  return (
    <section className="card" aria-label="Layout">
      <div className="row between">
        <h2>Layout</h2>
        <SaveIndicator status={save.status} testId="layout-save-status" />
      </div>
      <div className="row" role="radiogroup" aria-label="Layout mode">
        {(["webtoon", "pages"] as const).map((mode) => (
          <label key={mode} className="inline">
            <input type="radio" name="layout-mode" checked={layout.mode === mode} onChange={() => change({ mode })} />
            {mode === "webtoon" ? "Webtoon strip" : "Printed pages"}
          </label>
        ))}
      </div>
      <div className="grid3">
        <Field label="Strip width (px)" error={err("width")}>
          {(p) => <input {...p} type="number" min={100} max={4000} value={layout.width ?? 800} onChange={(e) => change({ width: num(e.target.value) })} />}
        </Field>
        <Field label="Gutter (px)" error={err("gutter")}>
          {(p) => <input {...p} type="number" min={0} value={layout.gutter ?? 40} onChange={(e) => change({ gutter: num(e.target.value) })} />}
        </Field>
        <Field label="Margin (px)" error={err("margin")}>
          {(p) => <input {...p} type="number" min={0} value={layout.margin ?? 0} onChange={(e) => change({ margin: num(e.target.value) })} />}
        </Field>
        <Field label="Background" error={err("background")}>
          {(p) => <input {...p} type="color" value={layout.background ?? "#ffffff"} onChange={(e) => change({ background: e.target.value })} />}
        </Field>
      </div>
      {layout.mode === "pages" && (
        <div className="grid3">
          <Field label="Page preset" error={err("page.preset")}>
            {(p) => (
              <select {...p} value={page.preset ?? "2x2"} onChange={(e) => change({ page: { ...page, preset: e.target.value as (typeof PRESETS)[number] } })}>
                {PRESETS.map((x) => (
                  <option key={x} value={x}>
                    {x}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Paper" error={err("page.paper")}>
            {(p) => (
              <select {...p} value={page.paper ?? "A4"} onChange={(e) => change({ page: { ...page, paper: e.target.value as "A4" } })}>
                {["A4", "Letter", "B5"].map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="DPI" error={err("page.dpi")}>
            {(p) => <input {...p} type="number" min={72} max={1200} value={page.dpi ?? 300} onChange={(e) => change({ page: { ...page, dpi: num(e.target.value) } })} />}
          </Field>
        </div>
      )}
      <ErrorMessage error={save.error} fields={["layout"]} />
    </section>
  );
}

function ExportBox({ comic }: { comic: Comic }) {
  const client = useQueryClient();
  const exports = useExports(comic.id);
  const [formats, setFormats] = useState<Format[]>(["cbz"]);
  const [skipUnfinished, setSkipUnfinished] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const active = useActiveJobs({ comic_id: comic.id });
  useEffect(() => {
    const running = active.data?.find((j) => j.kind === "export");
    if (!job && running) setJob(running);
  }, [active.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const { progress } = useJob(job, () => void client.invalidateQueries({ queryKey: keys.exports(comic.id) }));
  const start = useMutation({
    mutationFn: () => ok(api.POST("/api/comics/{comic_id}/exports", { params: { path: { comic_id: comic.id } }, body: { formats, skip_unfinished: skipUnfinished } })),
    onSuccess: setJob,
  });
  const running = job != null && (progress.status === "queued" || progress.status === "running");
  return (
    <section className="card" aria-label="Export">
      <h2>Export</h2>
      <fieldset className="row">
        <legend>Formats</legend>
        {FORMATS.map((f) => (
          <label key={f.id} className="inline">
            <input
              type="checkbox"
              checked={formats.includes(f.id)}
              onChange={(e) => setFormats(e.target.checked ? [...formats, f.id] : formats.filter((x) => x !== f.id))}
              data-testid={`export-${f.id}`}
            />
            {f.label}
          </label>
        ))}
      </fieldset>
      <label className="inline">
        <input type="checkbox" checked={skipUnfinished} onChange={(e) => setSkipUnfinished(e.target.checked)} data-testid="skip-unfinished" />
        Skip unfinished panels (those without a picture yet)
      </label>
      <button type="button" className="primary" onClick={() => start.mutate()} disabled={!formats.length || running || start.isPending} data-testid="export">
        Export
      </button>
      <ErrorMessage error={start.error} />
      {errorAbout(start.error, "formats") && <p className="error">{errorAbout(start.error, "formats")}</p>}
      {job && <JobProgressView job={job} progress={progress} label="Export" />}
      <h3>Files</h3>
      {exports.data?.length === 0 && <p className="muted">Nothing exported yet.</p>}
      <ul className="exports" data-testid="export-files">
        {exports.data?.map((x) => (
          <li key={x.id} className={x.out_of_date ? "out-of-date" : ""}>
            <a href={x.url} download={x.name} data-testid={`download-${x.format}`}>
              {x.name}
            </a>{" "}
            <span className="muted">
              {x.format} · {(x.size / 1024).toFixed(0)} KiB · {new Date(x.created_at).toLocaleString()}
            </span>
            {x.out_of_date && (
              <span className="badge warning" data-testid="export-out-of-date" title="The comic changed after this file was written">
                Out of date: export again
              </span>
            )}
            {x.warnings.map((w, i) => (
              <p key={i} className="warning">
                {w}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function StripPreview({ comic }: { comic: Comic }) {
  const layout = comic.spec.layout as Layout;
  if (layout.mode === "pages") return <PagePreview comic={comic} />;
  return <WebtoonPreview comic={comic} layout={layout} />;
}

function WebtoonPreview({ comic, layout }: { comic: Comic; layout: Layout }) {
  const panels = usePanels(comic.id);
  const [version, setVersion] = useState(0);
  return (
    <section className="card" aria-label="Preview">
      <div className="row between">
        <h2>Preview</h2>
        <button type="button" onClick={() => setVersion((v) => v + 1)}>
          Refresh preview
        </button>
      </div>
      <div
        className="strip-preview"
        data-testid="strip-preview"
        style={{ background: layout.background ?? "#fff", gap: (layout.gutter ?? 40) / 4, padding: (layout.margin ?? 0) / 4, maxWidth: Math.min(layout.width ?? 800, 800) }}
      >
        {panels.data?.map((p, i) =>
          p.picked_image ? (
            <img key={p.id} src={`/api/panels/${p.id}/lettered?v=${version}-${p.picked_image.id}-${hash(JSON.stringify(p.bubbles))}`} alt={`Panel ${i + 1}, lettered`} loading="lazy" />
          ) : (
            <div key={p.id} className="missing">
              Panel {i + 1}: no picture picked yet
            </div>
          ),
        )}
      </div>
    </section>
  );
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h >>> 0;
}
