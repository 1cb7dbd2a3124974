import { ImageDrop, type Uploading } from "./PhotoDrop";

export interface RegularisationDropProps {
  count: number;
  max: number;
  /** The character's photos and how often each is seen an epoch: what the steps are counted from. */
  photos: number;
  repeats: number;
  classWord: string;
  uploading: Uploading;
  error?: string;
  onFiles: (files: File[]) => void;
}

/** What regularisation images do to an epoch's steps (at batch 1): kohya shows as many of them as
 * character images, so any at all double the steps. */
export function regularisationEffect(count: number, photos: number, repeats: number): string {
  const steps = photos * repeats;
  if (count === 0) return `None: each epoch is ${photos} photos × ${repeats} = ${steps} steps.`;
  return `Each epoch takes twice the steps: ${photos} photos × ${repeats} × 2 = ${steps * 2} instead of ${steps}.`;
}

/** The optional second drop zone: photos of the class (other people), never of the character. */
export function RegularisationDrop({ count, max, photos, repeats, classWord, uploading, error, onFiles }: RegularisationDropProps) {
  return (
    <section className="regularisation" aria-label="Regularisation images">
      <h4>Regularisation images (optional)</h4>
      <ImageDrop
        testId="regularisation"
        choose="Choose regularisation images"
        room={max - count}
        uploading={uploading}
        status={`${count} of ${max} regularisation images uploaded`}
        error={error}
        onFiles={onFiles}
      >
        Photos of other people of the class “{classWord}”, not the character: they keep “{classWord}” from turning into the character.
      </ImageDrop>
      <p className="muted" data-testid="regularisation-effect">
        {regularisationEffect(count, photos, repeats)}
      </p>
    </section>
  );
}
