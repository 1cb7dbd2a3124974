import { useCallback, useEffect, useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, uploadAsset, type Comic, type GenerateIn, type Job, type Panel, type PanelPatch } from "../../api/client";
import { keys, useActiveJobs, useCharacters, useComic } from "../../api/queries";
import { ConfirmButton, ErrorMessage, Field, SaveIndicator, Tabs } from "../../components/ui";
import { PromptInput } from "../../components/PromptInput";
import { errorAbout } from "../../lib/errors";
import { comicPath, navigate, panelPath } from "../../lib/router";
import { useAutosave } from "../../lib/useAutosave";
import { StrokeCanvas, type StrokeCanvasHandle } from "../sketch/StrokeCanvas";
import { useJob } from "../jobs/useJob";
import { GenerateSection } from "./GenerateSection";
import { PanelCanvas } from "../canvas/PanelCanvas";
import { usePanelPatch } from "./usePanelPatch";
import { CharacterRegions } from "../regions/CharacterRegions";
import { ComposedPrompt } from "../regions/ComposedPrompt";
import type { RegionValue } from "../regions/regions";

type Tab = "scene" | "generate" | "canvas";
const TABS: { id: Tab; label: string }[] = [
  { id: "scene", label: "Scene & sketch" },
  { id: "generate", label: "Generate" },
  { id: "canvas", label: "Canvas" },
];
// Older step URLs open the canvas on the layer they were about.
const CANVAS_LAYERS = { edit: "mask", lettering: "lettering", canvas: "lettering" } as const;
const SHOTS = ["close-up", "medium shot", "full body", "wide shot", "over the shoulder", "from above", "from below"];

export function pictureSize(panel: Panel, comic: Comic | undefined) {
  const generation = (comic?.spec.generation ?? {}) as { width?: number; height?: number };
  return {
    width: (panel.spec.width as number | null) ?? generation.width ?? 1024,
    height: (panel.spec.height as number | null) ?? generation.height ?? 1024,
  };
}

/** One panel, at the step (tab) its URL names: a new or just-opened panel starts at its first step. */
export function PanelEditor({ panel, index, tab: urlTab }: { panel: Panel; index: number; tab?: string }) {
  const client = useQueryClient();
  const layer = CANVAS_LAYERS[urlTab as keyof typeof CANVAS_LAYERS];
  const tab: Tab = layer ? "canvas" : TABS.some((t) => t.id === urlTab) ? (urlTab as Tab) : "scene";
  const changeTab = (t: Tab) => t !== tab && navigate(panelPath(panel.comic_id, panel.id, t));
  const [job, setJob] = useState<Job | null>(null);
  const active = useActiveJobs({ panel_id: panel.id });
  useEffect(() => {
    if (!job && active.data?.length) setJob(active.data[0]);
  }, [active.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const onFinished = useCallback(() => {
    void client.invalidateQueries({ queryKey: keys.images(panel.id) });
    void client.invalidateQueries({ queryKey: keys.panels(panel.comic_id) });
  }, [client, panel.id, panel.comic_id]);
  const { progress } = useJob(job, onFinished);
  const generate = useMutation({
    mutationFn: (body: GenerateIn) => ok(api.POST("/api/panels/{panel_id}/generate", { params: { path: { panel_id: panel.id } }, body })),
    onSuccess: (started) => setJob(started),
  });
  const remove = useMutation({
    mutationFn: () => ok(api.DELETE("/api/panels/{panel_id}", { params: { path: { panel_id: panel.id } } })),
    onSuccess: () => {
      client.setQueryData<Panel[]>(keys.panels(panel.comic_id), (list) => list?.filter((p) => p.id !== panel.id));
      void client.invalidateQueries({ queryKey: keys.comic(panel.comic_id) });
      navigate(comicPath(panel.comic_id, "panels"));
    },
  });
  const running = job != null && (progress.status === "queued" || progress.status === "running");
  const shared = { panel, job, progress, running, generate };

  return (
    <section className="panel-editor" aria-label={`Panel ${index + 1}`}>
      <div className="row between">
        <h2>
          Panel {index + 1}
          {panel.spec.name ? `: ${String(panel.spec.name)}` : ""}
        </h2>
        <ConfirmButton className="danger small" question={`Delete panel ${index + 1}?`} detail="Its pictures and lettering go with it." confirm="Delete panel" onConfirm={() => remove.mutate()}>
          Delete panel
        </ConfirmButton>
      </div>
      <Tabs label="Panel steps" tabs={TABS} value={tab} onChange={changeTab} />
      <div role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.label}>
        {tab === "scene" && <SceneForm panel={panel} onGenerate={() => changeTab("generate")} />}
        {tab === "generate" && <GenerateSection {...shared} />}
        {tab === "canvas" && <PanelCanvas key={layer} layer={layer} {...shared} />}
      </div>
    </section>
  );
}

function SceneForm({ panel, onGenerate }: { panel: Panel; onGenerate: () => void }) {
  const comic = useComic(panel.comic_id);
  const characters = useCharacters(panel.comic_id);
  const patch = usePanelPatch(panel);
  const save = useAutosave((body: PanelPatch) => patch.mutateAsync(body));
  const spec = panel.spec as PanelPatch;
  const [draft, setDraft] = useState<PanelPatch>(() => ({
    name: spec.name ?? "",
    description: spec.description ?? "",
    characters: spec.characters ?? [],
    shot: spec.shot ?? null,
    negative_prompt: spec.negative_prompt ?? "",
    follow_sketch: spec.follow_sketch ?? 0.8,
    width: spec.width ?? null,
    height: spec.height ?? null,
    candidates: spec.candidates ?? null,
    fix_faces: spec.fix_faces ?? null,
  }));
  const change = (next: PanelPatch) => {
    setDraft((d) => ({ ...d, ...next }));
    save.queue(next);
  };
  const err = (key: string) => errorAbout(save.error, key);
  const present = draft.characters ?? [];
  const comicFixesFaces = Boolean((comic.data?.spec.generation as { fix_faces?: boolean } | undefined)?.fix_faces);
  const size = pictureSize({ ...panel, spec: { ...panel.spec, width: draft.width, height: draft.height } }, comic.data);
  const canvas = useRef<StrokeCanvasHandle>(null);
  const [dirty, setDirty] = useState(false);
  const saveSketch = useMutation({
    mutationFn: async (blob: Blob | File) => {
      const asset = await uploadAsset(blob, blob instanceof File ? blob.name : `panel-${panel.id}-sketch.png`, panel.comic_id);
      await patch.mutateAsync({ sketch_id: asset.id });
      canvas.current?.reset();
    },
  });
  const removeSketch = useMutation({
    mutationFn: async () => {
      await patch.mutateAsync({ sketch_id: null });
      canvas.current?.reset();
    },
  });
  const num = (v: string) => (v === "" ? null : Number(v));

  return (
    <>
    <div className="scene grid2">
      <div>
        <div className="row between">
          <h3>Scene</h3>
          <SaveIndicator status={save.status} testId="panel-save-status" />
        </div>
        <Field label="Panel name" hint="Optional: names the panel in lists and messages, e.g. “the launch”." error={err("name")}>
          {(p) => <input {...p} value={draft.name ?? ""} onChange={(e) => change({ name: e.target.value })} data-testid="panel-name" />}
        </Field>
        <PromptInput
          label="Description"
          value={draft.description ?? ""}
          onChange={(v) => change({ description: v })}
          error={err("description")}
          testId="panel-description"
          placeholder="e.g. (Mia:1.1) waves from a rooftop at sunset, BREAK city lights"
        />
        <fieldset className="characters-present" aria-invalid={err("characters") ? true : undefined}>
          <legend>Characters present</legend>
          {characters.data?.length === 0 && <p className="muted">No characters yet (add them under Characters).</p>}
          {characters.data?.map((c) => (
            <label key={c.id} className="inline">
              <input
                type="checkbox"
                checked={present.includes(c.name)}
                onChange={(e) =>
                  change({ characters: e.target.checked ? [...present, c.name] : present.filter((n) => n !== c.name) })
                }
              />
              {c.name}
            </label>
          ))}
          {err("characters") && (
            <small className="error" role="alert">
              {err("characters")}
            </small>
          )}
        </fieldset>
        <label className="inline" title="Redraw each face after drawing (face detail)">
          <input
            type="checkbox"
            checked={draft.fix_faces ?? comicFixesFaces}
            onChange={(e) => change({ fix_faces: e.target.checked })}
            data-testid="panel-fix-faces"
          />
          Always fix faces{draft.fix_faces == null ? " (as the comic says)" : ""}
        </label>
        <Field label="Shot" error={err("shot")}>
          {(p) => (
            <>
              <input {...p} list="shots" value={draft.shot ?? ""} onChange={(e) => change({ shot: e.target.value || null })} />
              <datalist id="shots">
                {SHOTS.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <PromptInput label="Negative prompt" rows={2} value={draft.negative_prompt ?? ""} onChange={(v) => change({ negative_prompt: v })} error={err("negative_prompt")} />
        <div className="grid3">
          <Field label="Width (px)" error={err("width")} hint="Empty: the comic's default">
            {(p) => <input {...p} type="number" step={8} value={draft.width ?? ""} onChange={(e) => change({ width: num(e.target.value) })} />}
          </Field>
          <Field label="Height (px)" error={err("height")}>
            {(p) => <input {...p} type="number" step={8} value={draft.height ?? ""} onChange={(e) => change({ height: num(e.target.value) })} />}
          </Field>
          <Field label="Candidates" error={err("candidates")}>
            {(p) => <input {...p} type="number" min={1} max={16} value={draft.candidates ?? ""} onChange={(e) => change({ candidates: num(e.target.value) })} />}
          </Field>
        </div>
        <ErrorMessage error={save.error} fields={["description", "characters", "shot", "negative_prompt", "width", "height", "candidates", "follow_sketch", "fix_faces", "regions"]} />
        <button type="button" className="primary" onClick={async () => { await save.flush(); onGenerate(); }}>
          Next: generate
        </button>
      </div>
      <div>
        <div className="row between">
          <h3>Sketch</h3>
          <span className="muted" data-testid="sketch-status">
            {saveSketch.isPending ? "Uploading sketch…" : dirty ? "Unsaved strokes (kept in this browser)" : panel.sketch ? "Sketch saved" : "No sketch"}
          </span>
        </div>
        <StrokeCanvas
          ref={canvas}
          kind="sketch"
          width={size.width}
          height={size.height}
          background={panel.sketch?.url}
          draftKey={`sketch:${panel.id}`}
          testId="sketch-canvas"
          onDirtyChange={setDirty}
          maxDisplayHeight={420}
        />
        <div className="row">
          <button
            type="button"
            className="primary"
            disabled={!dirty || saveSketch.isPending}
            onClick={async () => canvas.current && saveSketch.mutate(await canvas.current.exportPng())}
            data-testid="save-sketch"
          >
            Save sketch
          </button>
          <label className="button file-button">
            Upload a drawing
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp"
              className="visually-hidden"
              aria-label="Upload a drawing"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) saveSketch.mutate(file);
                e.target.value = "";
              }}
            />
          </label>
          {panel.sketch && (
            <button type="button" onClick={() => removeSketch.mutate()}>
              Remove sketch
            </button>
          )}
        </div>
        <ErrorMessage error={saveSketch.error ?? removeSketch.error} />
        <Field label={`Follow my sketch: ${Math.round((draft.follow_sketch ?? 0.8) * 100)}%`} error={err("follow_sketch")} hint="0: ignore the sketch, 100%: follow it closely.">
          {(p) => (
            <input
              {...p}
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={draft.follow_sketch ?? 0.8}
              onChange={(e) => change({ follow_sketch: Number(e.target.value) })}
              data-testid="follow-sketch"
            />
          )}
        </Field>
      </div>
    </div>
    <div className="grid2">
      <CharacterRegions
        panel={panel}
        present={present}
        size={size}
        error={err("regions")}
        onChange={(regions: RegionValue[]) => change({ regions: regions as PanelPatch["regions"] })}
      />
      <ComposedPrompt panelId={panel.id} />
    </div>
    </>
  );
}
