// The look of bubbles: fill, border and text colours, bold, italic and a text stroke. Used for a comic's
// lettering style (what every bubble takes) and for one bubble's own look (which wins over the comic's).
import type { LetteringStyle } from "../../api/client";

export const STYLE_FIELDS = ["fill", "border_color", "text_color", "bold", "italic", "text_stroke"] as const;

const COLOURS: { key: "fill" | "border_color" | "text_color"; label: string }[] = [
  { key: "fill", label: "Fill" },
  { key: "border_color", label: "Border" },
  { key: "text_color", label: "Text colour" },
];

/**
 * Fields for ``value``; an unset field shows ``inherited`` (what the bubble gets from the level below:
 * the comic's style or the kind's default) and a button to go back to it.
 */
export function StyleFields({
  value,
  inherited,
  inheritedLabel,
  onChange,
  idPrefix,
}: {
  value: LetteringStyle;
  inherited: Required<{ [K in keyof LetteringStyle]: NonNullable<LetteringStyle[K]> }>;
  inheritedLabel: string;
  onChange: (patch: LetteringStyle) => void;
  idPrefix: string;
}) {
  return (
    <fieldset className="style-fields">
      <legend>Look</legend>
      <div className="row wrap">
        {COLOURS.map(({ key, label }) => (
          <label key={key} className="colour-field">
            <span>{label}</span>
            <input
              type="color"
              aria-label={label}
              value={value[key] ?? inherited[key]}
              onChange={(e) => onChange({ [key]: e.target.value })}
              data-testid={`${idPrefix}-${key}`}
            />
            {value[key] != null && (
              <button type="button" className="link small" onClick={() => onChange({ [key]: null })} aria-label={`${label}: use ${inheritedLabel}`}>
                reset
              </button>
            )}
          </label>
        ))}
      </div>
      <div className="row wrap">
        {(["bold", "italic"] as const).map((key) => (
          <label key={key} className="inline">
            <input
              type="checkbox"
              checked={value[key] ?? inherited[key]}
              onChange={(e) => onChange({ [key]: e.target.checked })}
              data-testid={`${idPrefix}-${key}`}
            />
            {key === "bold" ? "Bold" : "Italic"}
          </label>
        ))}
        <label className="inline">
          Letter outline (px)
          <input
            type="number"
            min={0}
            max={20}
            step={0.5}
            className="narrow"
            value={value.text_stroke ?? ""}
            placeholder={String(inherited.text_stroke)}
            onChange={(e) => onChange({ text_stroke: e.target.value === "" ? null : Number(e.target.value) })}
            data-testid={`${idPrefix}-text_stroke`}
          />
        </label>
      </div>
    </fieldset>
  );
}
