import { useEffect, useState } from "react";
import { Expand, Zap } from "lucide-react";
import { useMutation, useQueryClient, type UseMutationResult } from "@tanstack/react-query";
import { api, ok, type GenerateIn, type Image, type Job, type Panel } from "../../api/client";
import { keys, useComic, useFastProfiles, usePanelImages } from "../../api/queries";
import { ErrorMessage, Field } from "../../components/ui";
import { ImageViewer } from "../viewer/ImageViewer";
import { OwnSettings } from "./OwnSettings";
import { errorAbout, missingLoras } from "../../lib/errors";
import { promptErrors } from "../../lib/prompt";
import { loadDraft } from "../../lib/strokes";
import type { JobProgress } from "../../lib/jobEvents";
import { JobProgressView } from "../jobs/JobProgressView";
import { usePanelPatch } from "./usePanelPatch";
import { DrawAs, PanelFastSetting } from "../fast/DrawAs";
import { comicFast, draftLora, drawnLabel, missingDraftLora } from "../fast/fast";
import { useAutosave } from "../../lib/useAutosave";
import { candidateNumbers } from "../../lib/panelSteps";

export interface GenerateProps {
  panel: Panel;
  job: Job | null;
  progress: JobProgress;
  running: boolean;
  generate: UseMutationResult<Job, Error, GenerateIn>;
}

export function GenerateSection({ panel, job, progress, running, generate }: GenerateProps) {
  const comic = useComic(panel.comic_id);
  const comicCandidates = (comic.data?.spec.generation as { candidates?: number } | undefined)?.candidates;
  // The panel's own count, else the comic's "Candidates per panel" (Style page).
  // Kept on the panel, so the count is still there when the author comes back to it.
  const [candidates, setCandidates] = useState<number>((panel.spec.candidates as number | null) ?? comicCandidates ?? 2);
  const countPatch = usePanelPatch(panel);
  const saveCount = useAutosave((p: { candidates: number }) => countPatch.mutateAsync(p));
  const [strength, setStrength] = useState(0.5);
  const description = String(panel.spec.description ?? "");
  const problems = promptErrors(description);
  const unsavedSketch = Boolean(loadDraft(`sketch:${panel.id}`)?.strokes.length);
  const err = (key: string) => errorAbout(generate.error, key);
  const draws = useDraftChoice(panel, generate);
  const missing = missingLoras(generate.error).filter((message) => message !== draws.missing?.message);
  return (
    <div className="generate">
      <div className="card">
        <p className="muted">
          {panel.sketch ? "Draws from the description, following the saved sketch." : "Draws from the description."}{" "}
          <q>{description}</q>
        </p>
        {problems.length > 0 && (
          <p className="error" role="alert">
            The description has {problems.length} problem(s): fix them under “Scene & sketch”.
          </p>
        )}
        {unsavedSketch && <p className="warning">You have unsaved sketch strokes: save them under “Scene & sketch” to use them.</p>}
        <PanelFastSetting panel={panel} comicDrafts={draws.comicDrafts} />
        <div className="row">
          <Field label="Number of candidates" error={err("candidates")}>
            {(p) => (
              <input {...p} type="number" min={1} max={16} value={candidates} onChange={(e) => {
                  const count = Math.min(16, Math.max(1, Number(e.target.value) || 1));
                  setCandidates(count);
                  saveCount.queue({ candidates: count });
                }} data-testid="candidate-count" />
            )}
          </Field>
          <DrawAs comicId={panel.comic_id} draft={draws.draft} onChange={draws.set} missingLora={draws.missing?.message} />
          <button
            type="button"
            className="primary"
            disabled={running || generate.isPending || problems.length > 0}
            onClick={() => generate.mutate({ mode: panel.sketch ? "sketch" : "text", candidates, fast: draws.draft })}
            data-testid="generate"
          >
            {draws.draft && <Zap size={14} aria-hidden />}
            Generate {candidates} {draws.draft ? "draft" : "candidate"}
            {candidates === 1 ? "" : "s"}
          </button>
        </div>
        <ErrorMessage error={generate.error} fields={draws.missing ? ["candidates", draws.missing.field] : ["candidates"]} />
        {missing.length > 0 && generate.variables && (
          <button
            type="button"
            disabled={running || generate.isPending}
            onClick={() => generate.mutate({ ...generate.variables!, skip_missing_loras: true })}
            data-testid="generate-without-missing-loras"
          >
            Generate without the missing LoRA{missing.length === 1 ? "" : "s"}
          </button>
        )}
        <p className="muted">
          {panel.spec.seed != null
            ? `The seed is locked at ${panel.spec.seed}: Generate repeats the same pictures until you unlock it.`
            : "Each Generate draws new seeds; lock a candidate's seed to keep drawing from it."}{" "}
          “Fix faces” on a candidate redraws each face it finds and adds the result as a new candidate.
        </p>
        <OwnSettings panel={panel} />
      </div>
      {job && <JobProgressView job={job} progress={progress} label="Generating" />}
      {progress.images.length > 0 && running && (
        <div className="thumbs live" aria-label="Candidates drawn so far">
          {progress.images.map((i) => (
            <img key={i.url} src={i.url} alt={`Picture ${i.candidate + 1} of this run (drawn)`} />
          ))}
        </div>
      )}
      <CandidateGrid
        panel={panel}
        jobId={job?.id ?? null}
        onFixFaces={running || generate.isPending ? undefined : (image) => generate.mutate({ mode: "fix_faces", source_image_id: image.id })}
      />
      <div className="card">
        <h3>Variations of the picked picture</h3>
        {!panel.picked_image && <p className="muted">Pick a candidate first.</p>}
        <Field label={`Change: ${Math.round(strength * 100)}%`} hint="Low: small changes; high: redraw most of it." error={err("strength")}>
          {(p) => (
            <input {...p} type="range" min={0.05} max={1} step={0.05} value={strength} onChange={(e) => setStrength(Number(e.target.value))} data-testid="variation-strength" />
          )}
        </Field>
        <button
          type="button"
          disabled={!panel.picked_image || running || generate.isPending}
          onClick={() => generate.mutate({ mode: "variation", candidates, strength, source_image_id: panel.picked_image!.id, fast: draws.draft })}
          data-testid="make-variations"
        >
          Make {candidates} variation{candidates === 1 ? "" : "s"}
        </button>
      </div>
    </div>
  );
}

/**
 * Whether this Generate draws a fast draft: the author's pick for this time, else the panel's own choice,
 * else the comic's; and the server's message when the draft's LoRA is not installed.
 */
function useDraftChoice(panel: Panel, generate: GenerateProps["generate"]) {
  const comic = useComic(panel.comic_id);
  const profiles = useFastProfiles();
  const settings = comicFast(comic.data);
  const preset = (panel.spec.fast as boolean | null | undefined) ?? settings.fast;
  const [picked, setPicked] = useState<boolean | null>(null);
  useEffect(() => setPicked(null), [preset]);
  const lora = draftLora(profiles.data?.find((p) => p.name === settings.profile), settings.ownLora);
  const missing = generate.variables?.fast === false ? undefined : missingDraftLora(generate.error, lora);
  return { draft: picked ?? preset, set: setPicked, comicDrafts: settings.fast, missing };
}

/** The panel's candidates: this run first, then the history; pick one, lock its seed, or fix its faces (``onFixFaces``). */
export function CandidateGrid({ panel, jobId, onFixFaces }: { panel: Panel; jobId: string | null; onFixFaces?: (image: Image) => void }) {
  const client = useQueryClient();
  const images = usePanelImages(panel.id);
  const patch = usePanelPatch(panel);
  const lockedSeed = (panel.spec.seed as number | null | undefined) ?? null;
  const pick = useMutation({
    mutationFn: (image: Image) => ok(api.POST("/api/images/{image_id}/pick", { params: { path: { image_id: image.id } } })),
    onMutate: async (image) => {
      const imagesKey = keys.images(panel.id);
      const panelsKey = keys.panels(panel.comic_id);
      await client.cancelQueries({ queryKey: imagesKey });
      const previous = { images: client.getQueryData<Image[]>(imagesKey), panels: client.getQueryData<Panel[]>(panelsKey) };
      client.setQueryData<Image[]>(imagesKey, (list) => list?.map((i) => ({ ...i, picked: i.id === image.id })));
      client.setQueryData<Panel[]>(panelsKey, (list) =>
        list?.map((p) => (p.id === panel.id ? { ...p, picked_image: { ...image, picked: true } } : p)),
      );
      return previous;
    },
    onError: (_e, _i, previous) => {
      client.setQueryData(keys.images(panel.id), previous?.images);
      client.setQueryData(keys.panels(panel.comic_id), previous?.panels);
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.panels(panel.comic_id) });
      void client.invalidateQueries({ queryKey: keys.lettering(panel.id) });
    },
  });
  const cover = useMutation({
    mutationFn: (image: Image) =>
      ok(api.PUT("/api/comics/{comic_id}/cover", { params: { path: { comic_id: panel.comic_id } }, body: { image_id: image.id } })),
    onSuccess: (comic) => {
      client.setQueryData(keys.comic(panel.comic_id), comic);
      void client.invalidateQueries({ queryKey: keys.comics });
    },
  });
  const all = images.data ?? [];
  // This run in the order the job drew them (its progress counts candidates the same way); the history newest first.
  const current = jobId ? all.filter((i) => i.job_id === jobId).sort((a, b) => a.candidate - b.candidate) : [];
  const older = all.filter((i) => !current.includes(i));
  const shown = [...current, ...older];
  const [viewing, setViewing] = useState<number | null>(null);
  const reuse = ({ seed, steps, cfg, sampler, scheduler, width, height }: NonNullable<Image["settings"]>) =>
    patch.mutateAsync({ seed, steps, cfg, sampler, scheduler, width, height });
  const numbers = candidateNumbers(all);
  const card = (image: Image, n = numbers.get(image.id) ?? 0) => (
    <figure key={image.id} className={`candidate ${image.picked ? "picked" : ""}`} data-testid="candidate">
      <button type="button" className="candidate-view" onClick={() => setViewing(shown.indexOf(image))} aria-label={`View candidate ${n} full size`}>
        <img src={image.url} alt={`Candidate ${n} (seed ${image.seed})`} loading="lazy" />
        <Expand size={16} aria-hidden className="candidate-view-icon" />
      </button>
      <figcaption>
        seed {image.seed}
        <DrawnWith image={image} />
        {lockedSeed === image.seed ? (
          <button type="button" onClick={() => patch.mutate({ seed: null })} aria-label={`Unlock seed ${image.seed}`} data-testid={`unlock-seed-${image.id}`}>
            Unlock seed
          </button>
        ) : (
          <button type="button" onClick={() => patch.mutate({ seed: image.seed })} aria-label={`Lock the seed of candidate ${n}`} data-testid={`lock-seed-${image.id}`}>
            Lock seed
          </button>
        )}
        {image.picked ? (
          <strong className="badge">Picked</strong>
        ) : (
          <button type="button" onClick={() => pick.mutate(image)} aria-label={`Pick candidate ${n}`} data-testid={`pick-${image.id}`}>
            Pick
          </button>
        )}
        <button type="button" onClick={() => cover.mutate(image)} aria-label={`Use candidate ${n} as the comic's cover`} data-testid={`cover-${image.id}`}>
          Use as cover
        </button>
        {onFixFaces && (
          <button type="button" onClick={() => onFixFaces(image)} aria-label={`Fix faces of candidate ${n}`} data-testid={`fix-faces-${image.id}`}>
            Fix faces
          </button>
        )}
      </figcaption>
    </figure>
  );
  return (
    <section aria-label="Candidates" className="candidates">
      {current.length > 0 && (
        <>
          <h3>This run</h3>
          <div className="grid-candidates" data-testid="candidate-grid">
            {current.map((image) => card(image))}
          </div>
        </>
      )}
      {older.length > 0 && (
        <details open={!current.length}>
          <summary>History ({older.length})</summary>
          <div className="grid-candidates" data-testid="history-grid">
            {older.map((image) => card(image))}
          </div>
        </details>
      )}
      <ErrorMessage error={pick.error ?? cover.error} />
      <ErrorMessage error={patch.error} fields={["seed"]} />
      <ImageViewer images={shown} index={viewing} onIndexChange={setViewing} onClose={() => setViewing(null)} onReuse={reuse} />
    </section>
  );
}

/** How a candidate was drawn: a fast draft is marked, any other shows its steps and sampler. */
function DrawnWith({ image }: { image: Image }) {
  const label = drawnLabel(image.drawn_with);
  if (!label) return null;
  const draft = Boolean(image.drawn_with?.fast_profile);
  return (
    <small className={draft ? "drawn-with draft" : "drawn-with muted"} data-testid="drawn-with" title={image.drawn_with?.loras.join(", ") || undefined}>
      {draft && <Zap size={12} aria-hidden />}
      {label}
    </small>
  );
}
