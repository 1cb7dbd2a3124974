import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, postForm } from "../../api/client";
import type { components } from "../../api/schema";
import { ErrorMessage } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { PhotoDrop, type Uploading } from "./PhotoDrop";
import { RegularisationDrop } from "./RegularisationDrop";
import { UploadedPhotos } from "./UploadedPhotos";

type Dataset = components["schemas"]["DatasetOut"];

export interface PhotosStepProps {
  dataset: Dataset;
  datasetKey: unknown[];
  /** Query keys that list the dataset too (their counts change with each upload). */
  listKey: unknown[];
  onPrepared: () => void;
}

/** Upload the character's photos and the optional regularisation images, remove any, then prepare. */
export function PhotosStep({ dataset, datasetKey, listKey, onPrepared }: PhotosStepProps) {
  const client = useQueryClient();
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: datasetKey });
    void client.invalidateQueries({ queryKey: listKey });
  };
  const photos = useUpload(`/api/training-datasets/${dataset.id}/photos`, "file", refresh);
  const regularisation = useUpload(`/api/training-datasets/${dataset.id}/regularisation`, "regularisation", refresh);
  const remove = useMutation({
    mutationFn: (photoId: number) =>
      ok(api.DELETE("/api/training-datasets/{dataset_id}/photos/{photo_id}", { params: { path: { dataset_id: dataset.id, photo_id: photoId } } })),
    onSuccess: (answer) => {
      client.setQueryData(datasetKey, answer);
      void client.invalidateQueries({ queryKey: listKey });
    },
  });
  const prepare = useMutation({
    mutationFn: () => ok(api.POST("/api/training-datasets/{dataset_id}/prepare", { params: { path: { dataset_id: dataset.id } } })),
    onSuccess: (prepared) => {
      client.setQueryData(datasetKey, prepared);
      void client.invalidateQueries({ queryKey: listKey });
      onPrepared();
    },
  });
  const busy = photos.progress != null || regularisation.progress != null;
  const enough = dataset.photo_count >= dataset.photos_min;
  const removing = remove.isPending ? (remove.variables ?? null) : null;
  return (
    <section aria-label="Photos">
      <PhotoDrop
        count={dataset.photo_count}
        min={dataset.photos_min}
        max={dataset.photos_max}
        uploading={photos.progress}
        error={photos.error}
        onFiles={(files) => photos.upload.mutate(files)}
      />
      <UploadedPhotos label="Uploaded photos" photos={dataset.photos.filter((p) => p.role === "photo")} removing={removing} onRemove={(id) => remove.mutate(id)} />
      <RegularisationDrop
        count={dataset.regularisation_count}
        max={dataset.regularisation_max}
        photos={dataset.photo_count}
        repeats={dataset.repeats}
        classWord={dataset.class_word}
        uploading={regularisation.progress}
        error={regularisation.error}
        onFiles={(files) => regularisation.upload.mutate(files)}
      />
      <UploadedPhotos
        label="Uploaded regularisation images"
        photos={dataset.photos.filter((p) => p.role === "regularisation")}
        removing={removing}
        onRemove={(id) => remove.mutate(id)}
      />
      <ErrorMessage error={remove.error} />
      <button type="button" className="primary" disabled={!enough || prepare.isPending || busy} onClick={() => prepare.mutate()} data-testid="prepare-dataset">
        {prepare.isPending ? "Preparing…" : dataset.prepared ? "Prepare again" : "Prepare the photos"}
      </button>
      {errorAbout(prepare.error, "photos") && (
        <p className="error" role="alert">
          {errorAbout(prepare.error, "photos")}
        </p>
      )}
      <ErrorMessage error={prepare.error} fields={["photos"]} />
    </section>
  );
}

/** Upload files one at a time as the form field ``field`` of ``url``, with progress; ``onDone`` after all.
 * ``error`` is what went wrong with the last upload: the refusal of ``field``, or the error itself. */
function useUpload(url: string, field: string, onDone: () => Promise<void>) {
  const [progress, setProgress] = useState<Uploading>(null);
  const upload = useMutation({
    mutationFn: async (files: File[]) => {
      setProgress({ done: 0, total: files.length });
      try {
        for (const [index, file] of files.entries()) {
          const form = new FormData();
          form.append(field, file, file.name);
          await postForm(url, form);
          setProgress({ done: index + 1, total: files.length });
        }
      } finally {
        setProgress(null);
        await onDone();
      }
    },
  });
  const error = errorAbout(upload.error, field) ?? (upload.error ? String(upload.error) : undefined);
  return { progress, upload, error };
}
