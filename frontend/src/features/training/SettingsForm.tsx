import type { ReactNode } from "react";
import type { components } from "../../api/schema";
import { Field, Select } from "../../components/ui";
import { duration } from "./trainingEvents";

export type TrainingSettings = components["schemas"]["TrainingSettings"];
export type Estimate = components["schemas"]["EstimateOut"];

export interface SettingsFormProps {
  settings: TrainingSettings;
  defaults: TrainingSettings;
  estimate: Estimate | null;
  errors: (field: string) => string | undefined;
  onChange: (settings: TrainingSettings) => void;
}

type NumberKey = {
  [K in keyof TrainingSettings]-?: NonNullable<TrainingSettings[K]> extends number ? K : never;
}[keyof TrainingSettings];

const BASIC: { key: NumberKey; label: string; hint: string; step?: number }[] = [
  { key: "epochs", label: "Epochs", hint: "Passes over the photos; the thesis found epoch 2 best, so a few are saved to compare." },
  { key: "save_every_n_epochs", label: "Save every N epochs", hint: "Each saved epoch gets a LoRA file and a test grid." },
  { key: "resolution", label: "Resolution (px)", hint: "Multiple of 64; SDXL is made for 1024.", step: 64 },
];

const ADVANCED: { key: NumberKey; label: string; step?: number }[] = [
  { key: "network_dim", label: "Rank (network_dim)" },
  { key: "network_alpha", label: "Alpha", step: 1 },
  { key: "network_dropout", label: "Network dropout", step: 0.05 },
  { key: "unet_lr", label: "Learning rate (UNet)", step: 0.00001 },
  { key: "text_encoder_lr", label: "Learning rate (text encoders)", step: 0.00001 },
  { key: "batch_size", label: "Batch size" },
  { key: "min_snr_gamma", label: "Min-SNR gamma", step: 0.5 },
  { key: "scale_weight_norms", label: "Scale weight norms", step: 0.1 },
  { key: "seed", label: "Seed" },
];

/** The training settings: the thesis' best as defaults, the everyday ones shown, the rest under "Advanced",
 * and what they come to (total steps, rough duration) before anything starts. */
export function SettingsForm({ settings, defaults, estimate, errors, onChange }: SettingsFormProps) {
  const set = (changes: Partial<TrainingSettings>) => onChange({ ...settings, ...changes });
  const number = (key: NumberKey, label: string, hint?: string, step?: number): ReactNode => {
    const value = settings[key];
    const preset = defaults[key];
    return (
      <Field key={key} label={label} hint={hint ?? (preset != null ? `Default: ${preset}` : undefined)} error={errors(key)}>
        {(p) => (
          <input
            {...p}
            type="number"
            step={step ?? 1}
            value={value ?? ""}
            onChange={(e) => set({ [key]: e.target.value === "" ? null : Number(e.target.value) })}
            data-testid={`setting-${key}`}
          />
        )}
      </Field>
    );
  };
  return (
    <div className="training-settings">
      <Field label="Model" hint="The SDXL checkpoint the LoRA is trained on (and drawn with)." error={errors("model")}>
        {(p) => <input {...p} value={settings.model} onChange={(e) => set({ model: e.target.value })} data-testid="setting-model" />}
      </Field>
      <div className="grid3">{BASIC.map((f) => number(f.key, f.label, f.hint, f.step))}</div>
      <details className="advanced" data-testid="advanced-settings">
        <summary>Advanced settings</summary>
        <div className="grid3">
          {ADVANCED.map((f) => number(f.key, f.label, undefined, f.step))}
          <Field label="Optimizer" error={errors("optimizer")}>
            {() => (
              <Select
                label="Optimizer"
                value={settings.optimizer ?? "adamw8bit"}
                onChange={(optimizer) => set({ optimizer })}
                options={[
                  { value: "adamw8bit", label: "AdamW 8-bit (plain AdamW without CUDA)" },
                  { value: "adamw", label: "AdamW" },
                ]}
                testId="setting-optimizer"
              />
            )}
          </Field>
          <Field label="Learning-rate schedule" error={errors("lr_scheduler")}>
            {() => (
              <Select
                label="Learning-rate schedule"
                value={settings.lr_scheduler ?? "constant"}
                onChange={(lr_scheduler) => set({ lr_scheduler })}
                options={(["constant", "cosine", "linear"] as const).map((value) => ({ value, label: value }))}
                testId="setting-lr_scheduler"
              />
            )}
          </Field>
          <Field label="Memory profile" hint="Low fits a 12 GB GPU: half-precision base weights, 8-bit Adam, cached text." error={errors("memory_profile")}>
            {() => (
              <Select
                label="Memory profile"
                value={settings.memory_profile ?? "default"}
                onChange={(memory_profile) => set({ memory_profile })}
                options={[
                  { value: "default", label: "default" },
                  { value: "low", label: "low (12 GB)" },
                ]}
                testId="setting-memory_profile"
              />
            )}
          </Field>
          <Field label="Mixed precision" error={errors("mixed_precision")}>
            {() => (
              <Select
                label="Mixed precision"
                value={settings.mixed_precision ?? "bf16"}
                onChange={(mixed_precision) => set({ mixed_precision })}
                options={[
                  { value: "bf16", label: "bf16" },
                  { value: "fp16", label: "fp16" },
                  { value: "no", label: "full precision" },
                ]}
                testId="setting-mixed_precision"
              />
            )}
          </Field>
          {(["train_text_encoders", "gradient_checkpointing", "cache_latents"] as const).map((key) => (
            <label key={key} className="inline">
              <input type="checkbox" checked={Boolean(settings[key])} onChange={(e) => set({ [key]: e.target.checked })} data-testid={`setting-${key}`} />
              {{ train_text_encoders: "Train the text encoders too", gradient_checkpointing: "Gradient checkpointing (less memory)", cache_latents: "Cache latents once" }[key]}
            </label>
          ))}
        </div>
      </details>
      <p className="estimate" role="status" aria-live="polite" data-testid="training-estimate">
        {estimate
          ? `${estimate.total_steps} steps (${estimate.images} photos × ${estimate.repeats} × ${settings.epochs} epochs${estimate.regularisation_images ? ` × 2 with ${estimate.regularisation_images} regularisation images` : ""}${(settings.batch_size ?? 1) > 1 ? ` ÷ batch ${settings.batch_size}` : ""}), saving epochs ${estimate.saved_epochs.join(", ")}; roughly ${duration(estimate.rough_seconds)} on a fast GPU.`
          : "Working out the total steps…"}
      </p>
    </div>
  );
}
