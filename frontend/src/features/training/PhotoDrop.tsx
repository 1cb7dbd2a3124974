import { useState, type DragEvent, type ReactNode } from "react";

export type Uploading = { done: number; total: number } | null;

export interface PhotoDropProps {
  count: number;
  min: number;
  max: number;
  uploading: Uploading;
  error?: string;
  onFiles: (files: File[]) => void;
}

const PICTURE = /^image\/(png|jpeg|webp)$/;

/** Drop photos of the character here (or choose them): 10 to 100 PNG, JPEG or WebP pictures. */
export function PhotoDrop({ count, min, max, uploading, error, onFiles }: PhotoDropProps) {
  return (
    <ImageDrop
      testId="photo"
      choose="Choose photos"
      room={max - count}
      uploading={uploading}
      status={`${count} of ${max} photos uploaded${count < min ? ` (at least ${min} needed)` : ""}`}
      error={error}
      onFiles={onFiles}
    >
      Drop {min}–{max} photos of the character here: the face clearly visible, different angles, light and clothes.
    </ImageDrop>
  );
}

export interface ImageDropProps {
  /** Prefix of the test ids: ``<id>-drop``, ``<id>-input``, ``<id>-count``. */
  testId: string;
  choose: string;
  /** How many more pictures fit; dropped files past it are left out. */
  room: number;
  uploading: Uploading;
  status: string;
  error?: string;
  onFiles: (files: File[]) => void;
  children: ReactNode;
}

/** A drop zone (and file button) for PNG, JPEG or WebP pictures, with its count and upload progress. */
export function ImageDrop({ testId, choose, room, uploading, status, error, onFiles, children }: ImageDropProps) {
  const [over, setOver] = useState(false);
  const take = (list: FileList | null) => {
    const files = Array.from(list ?? []).filter((f) => PICTURE.test(f.type) || /\.(png|jpe?g|webp)$/i.test(f.name));
    if (files.length) onFiles(files.slice(0, Math.max(0, room)));
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
      data-testid={`${testId}-drop`}
    >
      <p>{children}</p>
      <label className="file-button">
        <span className="button">{choose}</span>
        <input
          className="visually-hidden"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          multiple
          aria-label={choose}
          onChange={(e) => {
            take(e.target.files);
            e.target.value = "";
          }}
          data-testid={`${testId}-input`}
        />
      </label>
      <p role="status" aria-live="polite" data-testid={`${testId}-count`}>
        {uploading ? `Uploading ${uploading.done} of ${uploading.total}…` : status}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
