import { useState, type DragEvent } from "react";

export interface PhotoDropProps {
  count: number;
  min: number;
  max: number;
  uploading: { done: number; total: number } | null;
  error?: string;
  onFiles: (files: File[]) => void;
}

const PICTURE = /^image\/(png|jpeg|webp)$/;

/** Drop photos of the character here (or choose them): 10 to 100 PNG, JPEG or WebP pictures. */
export function PhotoDrop({ count, min, max, uploading, error, onFiles }: PhotoDropProps) {
  const [over, setOver] = useState(false);
  const take = (list: FileList | null) => {
    const files = Array.from(list ?? []).filter((f) => PICTURE.test(f.type) || /\.(png|jpe?g|webp)$/i.test(f.name));
    if (files.length) onFiles(files.slice(0, Math.max(0, max - count)));
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };
  return (
    <div
      className={`photo-drop ${over ? "over" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="photo-drop"
    >
      <p>
        Drop {min}–{max} photos of the character here: the face clearly visible, different angles, light and clothes.
      </p>
      <label className="file-button">
        <span className="button">Choose photos</span>
        <input
          className="visually-hidden"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          multiple
          aria-label="Choose photos"
          onChange={(e) => {
            take(e.target.files);
            e.target.value = "";
          }}
          data-testid="photo-input"
        />
      </label>
      <p role="status" aria-live="polite" data-testid="photo-count">
        {uploading ? `Uploading ${uploading.done} of ${uploading.total}…` : `${count} of ${max} photos uploaded`}
        {!uploading && count < min ? ` (at least ${min} needed)` : ""}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
