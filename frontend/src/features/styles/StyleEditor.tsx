import { useState } from "react";
import type { Comic, ComicPatch, Style } from "../../api/client";
import { useModels, useStyles } from "../../api/queries";
import { missingHint, presetStyle } from "./presets";
import { ErrorMessage, Field, SaveIndicator } from "../../components/ui";
import { LoraList } from "../../components/LoraList";
import { PromptInput } from "../../components/PromptInput";
import { errorAbout } from "../../lib/errors";
import { useAutosave } from "../../lib/useAutosave";
import { useComicPatch } from "../comics/useComicPatch";
import { familyOf } from "../models/library";
import { ModelPicker } from "../models/ModelPicker";
import { FastDraftsSettings } from "../fast/FastDraftsSettings";

type Generation = NonNullable<ComicPatch["generation"]>;

/** The comic's look: a preset to start from, then checkpoint, LoRAs and prompt fragments; and sampling defaults. */
export function StyleEditor({ comic }: { comic: Comic }) {
  const presets = useStyles();
  const patch = useComicPatch(comic.id);
  const save = useAutosave((p: ComicPatch) => patch.mutateAsync(p));
  const [style, setStyle] = useState<Style>(() => ({ ...(comic.spec.style as Style) }));
  const [generation, setGeneration] = useState<Generation>(() => ({ ...(comic.spec.generation as Generation) }));
  const num = (v: string) => (v === "" ? undefined : Number(v));
  const err = (key: string) => errorAbout(save.error, key);
  const checkpointFamily = familyOf(useModels().data, style.checkpoint);

  const change = (next: Partial<Style>) => {
    const merged = { ...style, ...next };
    setStyle(merged);
    save.queue({ style: merged });
  };
  const changeGeneration = (next: Partial<Generation>) => {
    const merged = { ...generation, ...next };
    setGeneration(merged);
    save.queue({ generation: merged });
  };

  return (
    <main className="style-editor">
      <div className="row between">
        <h2>Style</h2>
        <SaveIndicator status={save.status} testId="style-save-status" />
      </div>
      <section className="card">
        <h3>Presets</h3>
        <div className="preset-list" role="radiogroup" aria-label="Style presets">
          {presets.data?.map((preset) => (
            <button
              key={preset.name}
              type="button"
              role="radio"
              aria-checked={style.name === preset.name}
              className={style.name === preset.name ? "active" : ""}
              onClick={() => {
                setStyle(presetStyle(preset));
                save.queue({ style: presetStyle(preset) });
              }}
            >
              <strong>{preset.name}</strong>
              <small>{preset.prompt_prefix}</small>
              {preset.missing_loras?.length ? <small className="hint">{missingHint(preset.missing_loras)}</small> : null}
            </button>
          ))}
        </div>
      </section>
      <section className="card grid2">
        <Field label="Style name" error={err("style.name")}>
          {(p) => <input {...p} value={style.name ?? ""} onChange={(e) => change({ name: e.target.value })} />}
        </Field>
        <Field label="Checkpoint" error={err("style.checkpoint")} hint="From the model library, or a model id, checkpoint file or diffusers folder; empty: the studio's default.">
          {(p) => (
            <ModelPicker
              id={p.id}
              label="Checkpoint"
              kind="checkpoint"
              value={style.checkpoint}
              invalid={p["aria-invalid"]}
              describedBy={p["aria-describedby"]}
              onChange={(checkpoint) => change({ checkpoint })}
            />
          )}
        </Field>
        <Field label="VAE" error={err("style.vae")} hint="Empty: the checkpoint's own.">
          {(p) => (
            <ModelPicker id={p.id} label="VAE" kind="vae" value={style.vae} invalid={p["aria-invalid"]} describedBy={p["aria-describedby"]} onChange={(vae) => change({ vae })} />
          )}
        </Field>
        <Field label="Refiner" error={err("style.refiner")} hint="Optional SDXL refiner that finishes every panel drawn from text.">
          {(p) => (
            <ModelPicker
              id={p.id}
              label="Refiner"
              kind="refiner"
              value={style.refiner}
              invalid={p["aria-invalid"]}
              describedBy={p["aria-describedby"]}
              onChange={(refiner) => change({ refiner })}
            />
          )}
        </Field>
        <Field label="Refiner switch" error={err("style.refiner_switch")} hint="Fraction of the denoising the base model does (0–1).">
          {(p) => (
            <input
              {...p}
              type="number"
              step={0.05}
              min={0.05}
              max={0.95}
              disabled={!style.refiner}
              value={style.refiner_switch ?? 0.8}
              onChange={(e) => change({ refiner_switch: num(e.target.value) })}
            />
          )}
        </Field>
        <LoraList label="Style LoRAs" family={checkpointFamily} loras={style.loras ?? []} onChange={(loras) => change({ loras })} errorFor={(k) => err(`style.loras.${k}`)} />
        <PromptInput label="Prompt prefix" rows={2} value={style.prompt_prefix ?? ""} onChange={(v) => change({ prompt_prefix: v })} error={err("style.prompt_prefix")} />
        <PromptInput label="Prompt suffix" rows={2} value={style.prompt_suffix ?? ""} onChange={(v) => change({ prompt_suffix: v })} error={err("style.prompt_suffix")} />
        <PromptInput label="Style negative prompt" rows={2} value={style.negative_prompt ?? ""} onChange={(v) => change({ negative_prompt: v })} error={err("style.negative_prompt")} />
      </section>
      <section className="card">
        <h3>Generation defaults</h3>
        <div className="grid3">
          {(
            [
              ["steps", "Steps", 1],
              ["cfg", "Guidance (CFG)", 0.5],
              ["width", "Width (px)", 8],
              ["height", "Height (px)", 8],
              ["candidates", "Candidates per panel", 1],
              ["seed", "Base seed", 1],
            ] as [keyof Generation, string, number][]
          ).map(([key, label, step]) => (
            <Field key={key} label={label} error={err(`generation.${key}`)}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  step={step}
                  value={(generation[key] as number | undefined) ?? ""}
                  onChange={(e) => changeGeneration({ [key]: num(e.target.value) } as Partial<Generation>)}
                />
              )}
            </Field>
          ))}
        </div>
        <label className="inline">
          <input
            type="checkbox"
            checked={Boolean(generation.fix_faces)}
            onChange={(e) => changeGeneration({ fix_faces: e.target.checked })}
            data-testid="comic-fix-faces"
          />
          Always fix faces (redraw each face after drawing; a panel may say otherwise)
        </label>
      </section>
      <FastDraftsSettings generation={generation} onChange={changeGeneration} errorFor={err} family={checkpointFamily} />
      <ErrorMessage error={save.error} fields={["style", "generation"]} />
    </main>
  );
}
