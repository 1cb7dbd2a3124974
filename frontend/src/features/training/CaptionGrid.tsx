import { useState } from "react";
import type { components } from "../../api/schema";

export type DatasetImage = components["schemas"]["DatasetImageOut"];

const FLAG_TEXT: Record<string, string> = {
  small: "small: under 512 px",
  "no-face": "no face found: centre crop",
};

/** A flag as the author reads it ("duplicate-of:a.png" -> "near-duplicate of a.png"). */
export function flagText(flag: string): string {
  if (flag.startsWith("duplicate-of:")) return `near-duplicate of ${flag.slice("duplicate-of:".length)}`;
  return FLAG_TEXT[flag] ?? flag;
}

export interface CaptionGridProps {
  images: DatasetImage[];
  errors: Record<string, string | undefined>;
  saving: string | null;
  onSave: (name: string, caption: string) => void;
}

/** Every prepared image with its caption, editable one by one, and what preparation noticed about it. */
export function CaptionGrid({ images, errors, saving, onSave }: CaptionGridProps) {
  return (
    <ul className="caption-grid" aria-label="Captions">
      {images.map((image) => (
        <CaptionCard key={image.name} image={image} error={errors[image.name]} saving={saving === image.name} onSave={onSave} />
      ))}
    </ul>
  );
}

function CaptionCard({
  image,
  error,
  saving,
  onSave,
}: {
  image: DatasetImage;
  error?: string;
  saving: boolean;
  onSave: (name: string, caption: string) => void;
}) {
  const [text, setText] = useState(image.caption);
  const changed = text !== image.caption;
  return (
    <li className={`caption-card ${image.flags.length ? "flagged" : ""}`} data-testid="caption-card">
      <img src={image.url} alt={image.name} width={image.width} height={image.height} loading="lazy" />
      <label className="visually-hidden" htmlFor={`caption-${image.name}`}>
        Caption of {image.name}
      </label>
      <textarea
        id={`caption-${image.name}`}
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={error ? true : undefined}
        data-testid="caption-input"
      />
      <div className="row">
        <button type="button" disabled={!changed || saving} onClick={() => onSave(image.name, text)} data-testid="caption-save">
          {saving ? "Saving…" : "Save caption"}
        </button>
        {image.flags.map((flag) => (
          <span key={flag} className="flag" data-testid="image-flag">
            {flagText(flag)}
          </span>
        ))}
      </div>
      {error && (
        <small className="error" role="alert">
          {error}
        </small>
      )}
    </li>
  );
}
