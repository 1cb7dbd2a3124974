// The selected bubble's fields: text, kind, speaker, exact place and size, font, rotation, look and tails.
import type { Bubble, BubblePatch, LetteringStyle, PlacedBubble } from "../../api/client";
import { Field } from "../../components/ui";
import { BUBBLE_KINDS, FONTS, KIND_DEFAULTS, type Kind } from "../../lib/bubbles";
import { round4 } from "../../lib/geometry";
import { StyleFields } from "./StyleFields";

type Spec = BubblePatch & { kind?: string; text?: string };

const percent = (fraction: number | null | undefined) => (fraction == null ? "" : String(Math.round(fraction * 1000) / 10));

export interface BubblePropsProps {
  bubble: Bubble;
  placed: PlacedBubble | undefined;
  speakers: string[];
  error: (field: string) => string | undefined;
  /** A change saved at once (one undo step). */
  onChange: (body: BubblePatch) => void;
  /** A change typed in a field: shown at once, saved after a pause. */
  onType: (body: BubblePatch) => void;
  onDone: () => void;
}

export function BubbleProps({ bubble, placed, speakers, error, onChange, onType, onDone }: BubblePropsProps) {
  const spec = bubble.spec as Spec;
  const kind = (spec.kind as Kind) ?? "speech";
  const centre = placed?.center;
  const box = placed?.box;
  const number = (value: string) => (value === "" ? null : Number(value));
  const fraction = (value: string) => (value === "" ? null : round4(Math.min(1, Math.max(0, Number(value) / 100))));
  const tails = (spec.tails as { x: number; y: number }[] | undefined) ?? [];
  const hasTail = KIND_DEFAULTS[kind]?.tail;
  const resolved = {
    fill: placed?.fill ?? "#ffffff",
    border_color: placed?.border_color ?? "#000000",
    text_color: placed?.text_color ?? "#000000",
    bold: placed?.bold ?? false,
    italic: placed?.italic ?? false,
    text_stroke: Math.round((placed?.stroke_width ?? 0) * 800 * 10) / 10,
  };

  return (
    <>
      <Field label="Text" error={error("text")}>
        {(p) => <textarea {...p} rows={3} value={spec.text ?? ""} onChange={(e) => onType({ text: e.target.value })} onBlur={onDone} data-testid="bubble-text" />}
      </Field>
      <div className="grid2">
        <Field label="Kind" error={error("kind")}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => onChange({ kind: e.target.value as Kind })} data-testid="bubble-kind">
              {BUBBLE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Speaker" error={error("speaker")}>
          {(p) => (
            <select {...p} value={spec.speaker ?? ""} onChange={(e) => onChange({ speaker: e.target.value || null })}>
              <option value="">(nobody)</option>
              {speakers.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset className="place-fields">
        <legend>Place and size (% of the frame)</legend>
        <div className="grid4">
          <Field label="X" error={error("x")}>
            {(p) => <input {...p} type="number" step={0.5} min={0} max={100} value={percent(spec.x ?? centre?.[0])} onChange={(e) => onType({ x: fraction(e.target.value), y: spec.y ?? centre?.[1] ?? 0.5 })} onBlur={onDone} data-testid="bubble-x" />}
          </Field>
          <Field label="Y" error={error("y")}>
            {(p) => <input {...p} type="number" step={0.5} min={0} max={100} value={percent(spec.y ?? centre?.[1])} onChange={(e) => onType({ y: fraction(e.target.value), x: spec.x ?? centre?.[0] ?? 0.5 })} onBlur={onDone} data-testid="bubble-y" />}
          </Field>
          <Field label="Width" error={error("width")}>
            {(p) => <input {...p} type="number" step={0.5} min={3} max={100} placeholder={box ? percent(box[2] - box[0]) : ""} value={percent(spec.width)} onChange={(e) => onType({ width: fraction(e.target.value) })} onBlur={onDone} data-testid="bubble-width" />}
          </Field>
          <Field label="Height" error={error("height")}>
            {(p) => <input {...p} type="number" step={0.5} min={3} max={100} placeholder={box ? percent(box[3] - box[1]) : ""} value={percent(spec.height)} onChange={(e) => onType({ height: fraction(e.target.value) })} onBlur={onDone} data-testid="bubble-height" />}
          </Field>
        </div>
        <label className="inline">
          <input
            type="checkbox"
            checked={spec.width == null && spec.height == null}
            onChange={(e) => onChange(e.target.checked ? { width: null, height: null } : { width: box ? round4(box[2] - box[0]) : 0.3, height: box ? round4(box[3] - box[1]) : 0.2 })}
            data-testid="bubble-fit"
          />
          Grow to fit the text (the text shrinks only when the bubble is as large as it may get)
        </label>
      </fieldset>
      <div className="grid3">
        <Field label="Font" error={error("font")}>
          {(p) => (
            <select {...p} value={spec.font ?? ""} onChange={(e) => onChange({ font: e.target.value || null })}>
              <option value="">Default ({KIND_DEFAULTS[kind]?.font})</option>
              {FONTS.map((f) => (
                <option key={f} value={f} style={{ fontFamily: f }}>
                  {f}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Font size" hint="px on an 800 px wide panel" error={error("font_size")}>
          {(p) => <input {...p} type="number" min={1} max={400} placeholder={String(KIND_DEFAULTS[kind]?.size)} value={spec.font_size ?? ""} onChange={(e) => onType({ font_size: number(e.target.value) })} onBlur={onDone} data-testid="bubble-font-size" />}
        </Field>
        <Field label="Rotation (°)" error={error("rotation")}>
          {(p) => <input {...p} type="number" min={-180} max={180} value={spec.rotation ?? 0} onChange={(e) => onType({ rotation: Number(e.target.value) || 0 })} onBlur={onDone} data-testid="bubble-rotation" />}
        </Field>
      </div>
      <StyleFields
        idPrefix="bubble"
        value={spec as LetteringStyle}
        inherited={resolved}
        inheritedLabel="the comic's lettering style"
        onChange={(patch) => onChange(patch as BubblePatch)}
      />
      {hasTail && (
        <fieldset className="tails">
          <legend>Tails</legend>
          <p className="muted small">Drag a tail's tip past the frame's edge for a speaker off the panel.</p>
          {tails.map((tail, i) => (
            <div key={i} className="row">
              <span>
                Tail {i + 2}: {percent(tail.x)}%, {percent(tail.y)}%
              </span>
              <button type="button" className="small" onClick={() => onChange({ tails: tails.filter((_t, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="small"
            disabled={tails.length >= 4}
            onClick={() => onChange({ tails: [...tails, secondTip(centre)] })}
            data-testid="bubble-add-tail"
          >
            Add a tail (another speaker)
          </button>
        </fieldset>
      )}
      <p className="error small">{error("tails")}</p>
    </>
  );
}

/** A new tail's tip: below the bubble, on the other side of the panel's middle. */
function secondTip(centre: [number, number] | undefined) {
  const [x, y] = centre ?? [0.5, 0.3];
  return { x: round4(x < 0.5 ? Math.min(1, x + 0.3) : Math.max(0, x - 0.3)), y: round4(Math.min(1.2, y + 0.3)) };
}
