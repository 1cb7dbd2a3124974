import type { Asset } from "../../api/client";
import { Field } from "../../components/ui";

export interface ReferenceImagesProps {
  images: Asset[];
  strength: number;
  focus: "face" | "face_and_clothes";
  onStrength: (strength: number) => void;
  onFocus: (focus: "face" | "face_and_clothes") => void;
  onUpload: (file: File) => void;
  onRemove: (id: number) => void;
  uploading?: boolean;
  uploadError?: string;
  strengthError?: string;
}

/** A character's reference pictures with how closely panels follow them and whether only the face counts. */
export function ReferenceImages(props: ReferenceImagesProps) {
  const { images, strength, focus, uploading, uploadError, strengthError } = props;
  return (
    <section className="references" aria-label="Reference images">
      <h3>Reference images</h3>
      <p className="muted">Every panel with this character follows these pictures.</p>
      <div className="thumbs" data-testid="reference-thumbs">
        {images.length === 0 && <p className="muted">No reference images yet.</p>}
        {images.map((a) => (
          <figure key={a.id}>
            <img src={a.url} alt={`Reference ${a.name}`} />
            <button type="button" onClick={() => props.onRemove(a.id)} aria-label={`Remove reference ${a.name}`}>
              Remove
            </button>
          </figure>
        ))}
      </div>
      <Field label="Add a reference image" error={uploadError}>
        {(p) => (
          <input
            {...p}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            data-testid="reference-upload"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) props.onUpload(file);
              e.target.value = "";
            }}
          />
        )}
      </Field>
      {uploading && <p role="status">Uploading…</p>}
      <Field
        label={`Reference strength: ${Math.round(strength * 100)}%`}
        hint="0: ignore the pictures; 100%: follow them closely."
        error={strengthError}
      >
        {(p) => (
          <input
            {...p}
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={strength}
            disabled={images.length === 0}
            onChange={(e) => props.onStrength(Number(e.target.value))}
            data-testid="reference-strength"
          />
        )}
      </Field>
      <label className="inline">
        <input
          type="checkbox"
          role="switch"
          checked={focus === "face"}
          disabled={images.length === 0}
          onChange={(e) => props.onFocus(e.target.checked ? "face" : "face_and_clothes")}
          data-testid="reference-face-only"
        />
        Face only (leave the clothes to the description)
      </label>
    </section>
  );
}
