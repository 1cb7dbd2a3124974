import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Character } from "../../api/client";
import type { components } from "../../api/schema";
import { keys } from "../../api/queries";
import { ErrorMessage, Field, Select, Tabs } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { CaptionGrid } from "./CaptionGrid";
import { EpochGrid } from "./EpochGrid";
import { DatasetPicker, type DatasetChoice } from "./DatasetPicker";
import { PhotosStep } from "./PhotosStep";
import { SettingsForm, type Estimate, type TrainingSettings } from "./SettingsForm";
import { TrainingProgressView } from "./TrainingProgressView";
import { useTrainingStream } from "./useTrainingStream";
import "./training.css";

type S = components["schemas"];
type Dataset = S["DatasetOut"];
type Run = S["RunOut"];
type Step = "photos" | "captions" | "settings" | "training" | "epochs";

const STEPS: { id: Step; label: string }[] = [
  { id: "photos", label: "1. Photos" },
  { id: "captions", label: "2. Captions" },
  { id: "settings", label: "3. Settings" },
  { id: "training", label: "4. Training" },
  { id: "epochs", label: "5. Pick an epoch" },
];

const trainingKeys = {
  datasets: (characterId: number) => ["training-datasets", characterId] as const,
  runs: (datasetId: number) => ["training-runs", datasetId] as const,
};

/** Train a LoRA of ``character`` from photos: upload, captions, settings, live training, pick an epoch.
 * The newest dataset is worked on unless the author picks another one, or starts a new one. */
export function TrainingWizard({ character, onPicked }: { character: Character; onPicked: () => void }) {
  const datasets = useQuery({
    queryKey: trainingKeys.datasets(character.id),
    queryFn: () =>
      ok(api.GET("/api/characters/{character_id}/training-datasets", { params: { path: { character_id: character.id } } })),
  });
  const [chosen, setChosen] = useState<DatasetChoice | null>(null);
  if (datasets.isPending) return <p className="loading">Loading…</p>;
  const list = datasets.data ?? [];
  const dataset = chosen === "new" ? undefined : (list.find((d) => d.id === chosen) ?? list[0]);
  return (
    <>
      {list.length > 0 && <DatasetPicker datasets={list} value={dataset?.id ?? "new"} onChange={setChosen} />}
      {dataset ? (
        <DatasetWizard key={dataset.id} dataset={dataset} character={character} onPicked={onPicked} />
      ) : (
        <NewDataset character={character} onCreated={setChosen} />
      )}
    </>
  );
}

function NewDataset({ character, onCreated }: { character: Character; onCreated: (id: number) => void }) {
  const client = useQueryClient();
  const suggested = character.name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  const [form, setForm] = useState({ trigger: `${suggested || "char"}_lora`, class_word: "person", mode: "face-crop" as "face-crop" | "buckets", repeats: 20, resolution: 1024 });
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/characters/{character_id}/training-datasets", {
          params: { path: { character_id: character.id } },
          body: form,
        }),
      ),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: trainingKeys.datasets(character.id) });
      onCreated(created.id);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="new-dataset" onSubmit={submit} aria-label="New training dataset">
      <div className="grid3">
        <Field label="Trigger word" hint="A rare word that will call the character, e.g. rc_test." error={errorAbout(create.error, "trigger")}>
          {(p) => <input {...p} value={form.trigger} onChange={(e) => setForm({ ...form, trigger: e.target.value })} data-testid="dataset-trigger" />}
        </Field>
        <Field label="Class" hint="What the character is: man, woman, girl, cat…" error={errorAbout(create.error, "class_word")}>
          {(p) => <input {...p} value={form.class_word} onChange={(e) => setForm({ ...form, class_word: e.target.value })} data-testid="dataset-class" />}
        </Field>
        <Field label="Cropping" error={errorAbout(create.error, "mode")}>
          {() => (
            <Select
              label="Cropping"
              value={form.mode}
              onChange={(mode) => setForm({ ...form, mode })}
              options={[
                { value: "face-crop", label: "Square around the face" },
                { value: "buckets", label: "Whole photo (aspect-ratio buckets)" },
              ]}
              testId="dataset-mode"
            />
          )}
        </Field>
        <Field label="Image size (px)" hint="Multiple of 64; SDXL is made for 1024." error={errorAbout(create.error, "resolution")}>
          {(p) => <input {...p} type="number" min={64} step={64} value={form.resolution} onChange={(e) => setForm({ ...form, resolution: Number(e.target.value) })} data-testid="dataset-resolution" />}
        </Field>
        <Field label="Repeats" hint="How often each photo is seen per epoch." error={errorAbout(create.error, "repeats")}>
          {(p) => <input {...p} type="number" min={1} value={form.repeats} onChange={(e) => setForm({ ...form, repeats: Number(e.target.value) })} data-testid="dataset-repeats" />}
        </Field>
      </div>
      <button type="submit" className="primary" disabled={create.isPending} data-testid="create-dataset">
        Start a dataset
      </button>
      <ErrorMessage error={create.error} fields={["trigger", "class_word", "mode", "repeats", "resolution"]} />
    </form>
  );
}

function DatasetWizard({ dataset: initial, character, onPicked }: { dataset: Dataset; character: Character; onPicked: () => void }) {
  const client = useQueryClient();
  const path = { params: { path: { dataset_id: initial.id } } };
  const datasetKey = ["training-dataset", initial.id];
  const dataset = useQuery({ queryKey: datasetKey, queryFn: () => ok(api.GET("/api/training-datasets/{dataset_id}", path)), initialData: initial });
  const runs = useQuery({ queryKey: trainingKeys.runs(initial.id), queryFn: () => ok(api.GET("/api/training-datasets/{dataset_id}/runs", path)) });
  const run = runs.data?.[0];
  const [step, setStep] = useState<Step>(() => (initial.prepared ? "captions" : "photos"));
  useEffect(() => {
    if (run) setStep((s) => (s === "photos" || s === "captions" || s === "settings" ? (run.epochs.length && run.job?.status === "succeeded" ? "epochs" : "training") : s));
  }, [run?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const data = dataset.data;
  return (
    <div className="training-wizard" data-testid="training-wizard">
      <p className="muted">
        Trigger word <code>{data.trigger}</code>, class “{data.class_word}”, each photo seen {data.repeats}× an epoch.
      </p>
      <Tabs tabs={STEPS} value={step} onChange={setStep} label="Training steps" />
      {step === "photos" && (
        <PhotosStep dataset={data} datasetKey={datasetKey} listKey={[...trainingKeys.datasets(character.id)]} onPrepared={() => setStep("captions")} />
      )}
      {step === "captions" && <CaptionsStep dataset={data} datasetKey={datasetKey} onNext={() => setStep("settings")} />}
      {step === "settings" && (
        <SettingsStep
          dataset={data}
          onStarted={(started) => {
            client.setQueryData<Run[]>(trainingKeys.runs(initial.id), (list) => [started, ...(list ?? [])]);
            setStep("training");
          }}
        />
      )}
      {step === "training" && (run ? <RunProgress run={run} onDone={() => setStep("epochs")} /> : <p>No training has started yet.</p>)}
      {step === "epochs" && (run ? <EpochsStep run={run} character={character} onPicked={onPicked} /> : <p>No training has started yet.</p>)}
    </div>
  );
}

function CaptionsStep({ dataset, datasetKey, onNext }: { dataset: Dataset; datasetKey: unknown[]; onNext: () => void }) {
  const client = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const save = useMutation({
    mutationFn: ({ name, caption }: { name: string; caption: string }) =>
      ok(
        api.PUT("/api/training-datasets/{dataset_id}/images/{name}/caption", {
          params: { path: { dataset_id: dataset.id, name } },
          body: { caption },
        }),
      ),
    onSuccess: (image) => {
      setErrors((e) => ({ ...e, [image.name]: undefined }));
      client.setQueryData<Dataset>(datasetKey, (d) => d && { ...d, images: d.images.map((i) => (i.name === image.name ? image : i)) });
    },
    onError: (error, { name }) => setErrors((e) => ({ ...e, [name]: errorAbout(error, "caption") ?? String(error) })),
  });
  return (
    <section aria-label="Captions">
      {!dataset.prepared && <p className="warning">Photos changed since they were prepared: prepare them again on the Photos step.</p>}
      {dataset.problems.length > 0 && (
        <ul className="problems" aria-label="Photos left out">
          {dataset.problems.map((p) => (
            <li key={p.file} className="warning">
              {p.regularisation ? "Regularisation image " : ""}
              {p.file}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <CaptionGrid images={dataset.images} errors={errors} saving={save.isPending ? (save.variables?.name ?? null) : null} onSave={(name, caption) => save.mutate({ name, caption })} />
      <button type="button" className="primary" disabled={!dataset.prepared} onClick={onNext} data-testid="to-settings">
        Next: settings
      </button>
    </section>
  );
}

function SettingsStep({ dataset, onStarted }: { dataset: Dataset; onStarted: (run: Run) => void }) {
  const path = { params: { path: { dataset_id: dataset.id } } };
  const defaults = useQuery({ queryKey: ["training-defaults", dataset.id], queryFn: () => ok(api.GET("/api/training-datasets/{dataset_id}/defaults", path)) });
  const [settings, setSettings] = useState<TrainingSettings | null>(null);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [estimateError, setEstimateError] = useState<unknown>(null);
  const current = settings ?? defaults.data?.settings ?? null;
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => {
      ok(api.POST("/api/training-datasets/{dataset_id}/estimate", { ...path, body: { settings: current } }))
        .then((answer) => {
          setEstimate(answer);
          setEstimateError(null);
        })
        .catch(setEstimateError);
    }, 250);
    return () => clearTimeout(timer);
  }, [JSON.stringify(current)]); // eslint-disable-line react-hooks/exhaustive-deps
  const start = useMutation({
    mutationFn: (body: TrainingSettings) => ok(api.POST("/api/training-datasets/{dataset_id}/runs", { ...path, body: { settings: body } })),
    onSuccess: onStarted,
  });
  if (!current || !defaults.data) return <ErrorMessage error={defaults.error} />;
  const errors = (field: string) => errorAbout(start.error, `settings.${field}`) ?? errorAbout(estimateError, `settings.${field}`);
  return (
    <section aria-label="Settings">
      <SettingsForm settings={current} defaults={defaults.data.settings} estimate={estimateError ? null : estimate} errors={errors} onChange={setSettings} />
      <button type="button" className="primary" disabled={start.isPending || Boolean(estimateError)} onClick={() => start.mutate(current)} data-testid="start-training">
        Start training
      </button>
      <ErrorMessage error={start.error} fields={["settings"]} />
      {errorAbout(start.error, "photos") && <p className="error">{errorAbout(start.error, "photos")}</p>}
    </section>
  );
}

function useRun(initial: Run) {
  return useQuery({
    queryKey: ["training-run", initial.id],
    queryFn: () => ok(api.GET("/api/training-runs/{run_id}", { params: { path: { run_id: initial.id } } })),
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.job && ["queued", "running"].includes(query.state.data.job.status) ? 3000 : false),
  });
}

function RunProgress({ run: initial, onDone }: { run: Run; onDone: () => void }) {
  const client = useQueryClient();
  const run = useRun(initial);
  const refresh = () => void client.invalidateQueries({ queryKey: ["training-run", initial.id] });
  const state = useTrainingStream(run.data.job, refresh);
  const cancel = useMutation({
    mutationFn: () => ok(api.POST("/api/training-runs/{run_id}/cancel", { params: { path: { run_id: initial.id } } })),
    onSuccess: (answer) => client.setQueryData(["training-run", initial.id], answer),
  });
  const stop = useMutation({
    mutationFn: () => ok(api.POST("/api/training-runs/{run_id}/stop-early", { params: { path: { run_id: initial.id } } })),
    onSuccess: (answer) => client.setQueryData(["training-run", initial.id], answer),
  });
  const finished = run.data.job?.status === "succeeded";
  return (
    <section aria-label="Training">
      <TrainingProgressView
        state={state}
        totalSteps={run.data.total_steps}
        cancelling={cancel.isPending}
        onCancel={() => cancel.mutate()}
        stopRequested={run.data.stop_requested || stop.isPending}
        onStop={() => stop.mutate()}
      />
      <ErrorMessage error={cancel.error ?? stop.error} />
      {run.data.job?.status === "failed" && (
        <p className="error" role="alert">
          {run.data.job.error_message}
        </p>
      )}
      {finished && (
        <button type="button" className="primary" onClick={onDone} data-testid="to-epochs">
          See the test grid
        </button>
      )}
    </section>
  );
}

function EpochsStep({ run: initial, character, onPicked }: { run: Run; character: Character; onPicked: () => void }) {
  const client = useQueryClient();
  const run = useRun(initial);
  const pick = useMutation({
    mutationFn: (epoch: number) =>
      ok(api.POST("/api/training-runs/{run_id}/epochs/{epoch}/pick", { params: { path: { run_id: initial.id, epoch } } })),
    onSuccess: async (answer) => {
      client.setQueryData(["training-run", initial.id], answer.run);
      void client.invalidateQueries({ queryKey: keys.models });
      await client.invalidateQueries({ queryKey: keys.characters(character.comic_id) });
      onPicked(); // once the character as the server has it now is in the cache
    },
  });
  return (
    <section aria-label="Pick an epoch">
      <p>Same seed, same prompts, one column per saved epoch: pick the one that looks like the photos before it turns stiff.</p>
      <EpochGrid rows={run.data.grid_rows} epochs={run.data.epochs} picking={pick.isPending ? (pick.variables ?? null) : null} onPick={(epoch) => pick.mutate(epoch)} />
      {pick.data && (
        <p className="ok" role="status" data-testid="picked-lora">
          {character.name} now uses the LoRA {pick.data.lora_name} with the trigger word {pick.data.trigger_words.join(", ")}.
        </p>
      )}
      <ErrorMessage error={pick.error} />
    </section>
  );
}
