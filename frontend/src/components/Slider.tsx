import { useId } from "react";
import { Slider as RadixSlider } from "radix-ui";

/** A labelled slider (arrow keys, Page Up/Down, Home/End) showing its value as ``format`` writes it. */
export function Slider({
  label,
  value,
  onChange,
  min = 0,
  max = 1,
  step = 0.01,
  format = (v) => String(v),
  hint,
  testId,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  step?: number;
  format?: (value: number) => string;
  hint?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field slider-field">
      <div className="row between">
        <span id={`${id}-label`} className="field-label">
          {label}
        </span>
        <output className="slider-value" aria-hidden>
          {format(value)}
        </output>
      </div>
      <RadixSlider.Root className="slider" value={[value]} min={min} max={max} step={step} onValueChange={([v]) => onChange(v)}>
        <RadixSlider.Track className="slider-track">
          <RadixSlider.Range className="slider-range" />
        </RadixSlider.Track>
        <RadixSlider.Thumb
          className="slider-thumb"
          aria-labelledby={`${id}-label`}
          aria-valuetext={format(value)}
          aria-describedby={hint ? `${id}-hint` : undefined}
          data-testid={testId}
        />
      </RadixSlider.Root>
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}
