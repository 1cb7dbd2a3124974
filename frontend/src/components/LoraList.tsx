import { useEffect, useState } from "react";
import type { LibraryModel, LoraRef } from "../api/client";
import { ModelPicker } from "../features/models/ModelPicker";

/**
 * LoRAs with their two strengths, each picked from the model library (or typed); ``family`` is the
 * checkpoint's, so LoRAs of another family cannot be picked. ``errorFor("0.name")`` gives a row
 * field's server error; ``onPicked`` hears of each library entry picked (for its trigger words).
 *
 * A row just added stays here until a name is typed: ``onChange`` hears only of named rows, so an
 * empty row is never saved and never shown an error before the author has typed anything.
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
  const [rows, setRows] = useState<LoraRef[]>(loras);
  // Follow changes from outside (a preset picked, a save refused and rolled back), not our own echo.
  useEffect(() => {
    if (JSON.stringify(named(rows)) !== JSON.stringify(loras)) setRows(loras);
  }, [loras]); // eslint-disable-line react-hooks/exhaustive-deps
  const update = (next: LoraRef[]) => {
    setRows(next);
    if (JSON.stringify(named(next)) !== JSON.stringify(named(rows))) onChange(named(next));
  };
  const set = (index: number, patch: Partial<LoraRef>) => update(rows.map((l, i) => (i === index ? { ...l, ...patch } : l)));
  // The server numbers the saved (named) rows only.
  const savedIndex = (index: number) => (rows[index].name.trim() ? named(rows.slice(0, index)).length : -1);
  const num = (v: string) => (v === "" ? 0 : Number(v));
  return (
    <fieldset className="loras">
      <legend>{label}</legend>
      {rows.length === 0 && <p className="muted">None.</p>}
      {rows.map((lora, i) => {
        const saved = savedIndex(i);
        const error = ["name", "strength_model", "strength_clip"]
          .map((f) => (saved < 0 ? undefined : errorFor?.(`${saved}.${f}`)))
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
            <button type="button" onClick={() => update(rows.filter((_, j) => j !== i))} aria-label={`Remove ${label} ${i + 1}`}>
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
          setAdded(rows.length);
          update([...rows, { name: "", strength_model: 1, strength_clip: 1 }]);
        }}
      >
        Add LoRA
      </button>
    </fieldset>
  );
}

function named(loras: LoraRef[]): LoraRef[] {
  return loras.filter((lora) => lora.name.trim() !== "");
}
