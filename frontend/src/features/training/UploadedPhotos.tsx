import type { components } from "../../api/schema";

export type StoredPhoto = components["schemas"]["StoredPhotoOut"];

export interface UploadedPhotosProps {
  label: string;
  photos: StoredPhoto[];
  removing: number | null;
  onRemove: (id: number) => void;
}

/** The pictures uploaded so far, each with a button that takes it out of the dataset. */
export function UploadedPhotos({ label, photos, removing, onRemove }: UploadedPhotosProps) {
  if (!photos.length) return null;
  return (
    <ul className="uploaded-photos" aria-label={label}>
      {photos.map((photo) => (
        <li key={photo.id} data-testid="uploaded-photo">
          <img src={photo.url} alt="" loading="lazy" width={56} height={56} />
          <span className="name" title={photo.name}>
            {photo.name}
          </span>
          <button type="button" disabled={removing === photo.id} onClick={() => onRemove(photo.id)} aria-label={`Remove ${photo.name}`}>
            {removing === photo.id ? "Removing…" : "Remove"}
          </button>
        </li>
      ))}
    </ul>
  );
}
