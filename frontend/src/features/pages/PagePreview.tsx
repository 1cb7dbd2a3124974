import { useState } from "react";
import type { Comic, Layout, PageLayout } from "../../api/client";
import { usePanels } from "../../api/queries";
import { ErrorMessage, Field, SaveIndicator } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { useAutosave } from "../../lib/useAutosave";
import { useComicPatch } from "../comics/useComicPatch";
import { panelTitle } from "../panels/PanelsView";
import { FocusPicker } from "./FocusPicker";
import { pageCount, printGuides } from "./pageMath";

/** The pages as they print (drawn by the export's own code), with margin, bleed and gutter, and each panel's focus. */
export function PagePreview({ comic }: { comic: Comic }) {
  const panels = usePanels(comic.id);
  const patch = useComicPatch(comic.id);
  const save = useAutosave((p: { layout: Layout }) => patch.mutateAsync(p));
  const layout = comic.spec.layout as Layout;
  const [page, setPage] = useState<PageLayout>(() => ({ ...(layout.page ?? {}) }));
  const [showGuides, setShowGuides] = useState(true);
  const change = (next: Partial<PageLayout>) => {
    const merged = { ...page, ...next };
    setPage(merged);
    save.queue({ layout: { ...layout, page: merged } });
  };
  const err = (key: string) => errorAbout(save.error, `layout.page.${key}`);
  const num = (v: string) => (v === "" ? 0 : Number(v));
  const list = panels.data ?? [];
  const pages = pageCount(list.length, page);
  // The page images change with the layout, the picks, the focus points and the bubbles.
  const version = hash(JSON.stringify([comic.spec.layout, list.map((p) => [p.picked_image?.id, p.spec.focus_x, p.spec.focus_y, p.bubbles])]));
  const guides = printGuides(page);
  return (
    <section className="card page-preview" aria-label="Page preview" data-testid="page-preview">
      <div className="row between">
        <h2>Pages as they print</h2>
        <SaveIndicator status={save.status} testId="page-save-status" />
      </div>
      <div className="grid3">
        <Field label="Margin (mm)" error={err("margin_mm")} hint="Lettering and frames stay inside it.">
          {(p) => <input {...p} type="number" min={0} max={100} step={0.5} value={page.margin_mm ?? 12} onChange={(e) => change({ margin_mm: num(e.target.value) })} data-testid="page-margin" />}
        </Field>
        <Field label="Bleed (mm)" error={err("bleed_mm")} hint="Printed past the trim and cut off.">
          {(p) => <input {...p} type="number" min={0} max={20} step={0.5} value={page.bleed_mm ?? 3} onChange={(e) => change({ bleed_mm: num(e.target.value) })} data-testid="page-bleed" />}
        </Field>
        <Field label="Gutter (mm)" error={err("gutter_mm")}>
          {(p) => <input {...p} type="number" min={0} max={50} step={0.5} value={page.gutter_mm ?? 4} onChange={(e) => change({ gutter_mm: num(e.target.value) })} />}
        </Field>
      </div>
      <label className="inline">
        <input type="checkbox" checked={showGuides} onChange={(e) => setShowGuides(e.target.checked)} />
        Show the trim (solid) and margin (dashed) lines
      </label>
      <ErrorMessage error={save.error} fields={["layout"]} />
      {list.length === 0 && <p className="muted">Add panels to see the pages.</p>}
      <div className="pages">
        {Array.from({ length: pages }, (_, i) => (
          <figure key={i} className="printed-page">
            <div className="sheet">
              <img src={`/api/comics/${comic.id}/pages/${i + 1}?v=${version}`} alt={`Page ${i + 1} as it prints`} data-testid={`page-${i + 1}`} />
              {showGuides && (
                <>
                  <span className="trim-line" style={{ inset: `${guides.trim.y}% ${guides.trim.x}%` }} aria-hidden="true" />
                  <span className="margin-line" style={{ inset: `${guides.live.y}% ${guides.live.x}%` }} aria-hidden="true" />
                </>
              )}
            </div>
            <figcaption>Page {i + 1}</figcaption>
          </figure>
        ))}
      </div>
      {list.length > 0 && (
        <>
          <h3>Where each picture sits in its frame</h3>
          <p className="muted">Click the point the frame must keep in view (a face, the action); the page crops around it.</p>
          <div className="focus-grid">
            {list.map((p, i) => (
              <FocusPicker key={p.id} panel={p} label={panelTitle(p, i)} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h >>> 0;
}
