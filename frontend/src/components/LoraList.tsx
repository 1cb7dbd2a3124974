import { useState } from "react";
import type { LibraryModel, LoraRef } from "../api/client";
import { ModelPicker } from "../features/models/ModelPicker";

/**
 * LoRAs with their two strengths, each picked from the model library (or typed); ``family`` is the
 * checkpoint's, so LoRAs of another family cannot be picked. ``errorFor("0.name")`` gives a row
 * field's server error; ``onPicked`` hears of each library entry picked (for its trigger words).
 */
export function LoraList({
  loras,
  onChange,
  errorFor,
  label = "LoRAs",
  family,
  onPicked,
}: {
  loras: LoraRef[];
  onChange: (loras: LoraRef[]) => void;
  errorFor?: (key: string) => string | undefined;
  label?: string;
  family?: string | null;
  onPicked?: (model: LibraryModel) => void;
}) {
  const [added, setAdded] = useState(-1);
  const set = (index: number, patch: Partial<LoraRef>) =>
    onChange(loras.map((l, i) => (i === index ? { ...l, ...patch } : l)));
  const num = (v: string) => (v === "" ? 0 : Number(v));
  return (
    <fieldset className="loras">
      <legend>{label}</legend>
      {loras.length === 0 && <p className="muted">None.</p>}
      {loras.map((lora, i) => {
        const error = ["name", "strength_model", "strength_clip"]
          .map((f) => errorFor?.(`${i}.${f}`))
          .filter(Boolean)
          .join("; ");
        return (
          <div key={i} className="lora-row">
            <ModelPicker
              label={`${label} ${i + 1} name`}
              kind="lora"
              family={family}
              value={lora.name}
              placeholder="search the library or type a file name"
              autoFocus={i === added}
              invalid={error ? true : undefined}
              onChange={(name, model) => {
                set(i, { name: name ?? "" });
                if (model) onPicked?.(model);
              }}
            />
            <label>
              model
              <input
                type="number"
                step="0.05"
                min={-10}
                max={10}
                aria-label={`${label} ${i + 1} model strength`}
                value={lora.strength_model ?? 1}
                onChange={(e) => set(i, { strength_model: num(e.target.value) })}
              />
            </label>
            <label>
              text
              <input
                type="number"
                step="0.05"
                min={-10}
                max={10}
                aria-label={`${label} ${i + 1} text strength`}
                value={lora.strength_clip ?? 1}
                onChange={(e) => set(i, { strength_clip: num(e.target.value) })}
              />
            </label>
            <button type="button" onClick={() => onChange(loras.filter((_, j) => j !== i))} aria-label={`Remove ${label} ${i + 1}`}>
              Remove
            </button>
            {error && (
              <small className="error" role="alert">
                {error}
              </small>
            )}
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => {
          setAdded(loras.length);
          onChange([...loras, { name: "", strength_model: 1, strength_clip: 1 }]);
        }}
      >
        Add LoRA
      </button>
    </fieldset>
  );
}
