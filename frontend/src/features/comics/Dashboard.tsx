import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, postForm, type Comic } from "../../api/client";
import { keys, useComics, useStyles } from "../../api/queries";
import { ErrorMessage, Field, Link } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { comicCounts } from "../../lib/plural";
import { navigate } from "../../lib/router";
import { missingHint, presetStyle } from "../styles/presets";

export function Dashboard() {
  const client = useQueryClient();
  const comics = useComics();
  const styles = useStyles();
  const [title, setTitle] = useState("");
  const [styleName, setStyleName] = useState("");
  const create = useMutation({
    mutationFn: () => {
      const preset = styles.data?.find((s) => s.name === styleName);
      const style = preset ? presetStyle(preset) : undefined;
      return ok(api.POST("/api/comics", { body: { title, ...(style ? { style } : {}) } }));
    },
    onSuccess: (comic) => {
      void client.invalidateQueries({ queryKey: keys.comics });
      setTitle("");
      navigate(`/comics/${comic.id}`);
    },
  });
  const importFile = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file, file.name);
      const zip = file.name.toLowerCase().endsWith(".zip");
      return postForm<Comic>(zip ? "/api/comics/import-project" : "/api/comics/import-script", form);
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.comics }),
  });
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <main className="dashboard">
      <h1>Your comics</h1>
      <div className="dashboard-actions">
        <form onSubmit={onCreate} className="card create-comic" aria-label="New comic">
          <h2>New comic</h2>
          <Field label="Title" error={errorAbout(create.error, "title")}>
            {(p) => <input {...p} name="title" value={title} onChange={(e) => setTitle(e.target.value)} required data-testid="new-comic-title" />}
          </Field>
          <Field label="Style preset" hint={missingHint(styles.data?.find((s) => s.name === styleName)?.missing_loras)}>
            {(p) => (
              <select {...p} value={styleName} onChange={(e) => setStyleName(e.target.value)}>
                <option value="">(none: choose later)</option>
                {styles.data?.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <ErrorMessage error={create.error} fields={["title"]} />
          <button type="submit" className="primary" disabled={create.isPending} data-testid="create-comic">
            Create comic
          </button>
        </form>
        <div className="card">
          <h2>Import</h2>
          <Field
            label="Import a script (.yaml) or project (.zip)"
            error={errorAbout(importFile.error, "file")}
            hint="A project zip, or a zip of the folder holding a script and its sketches, brings the files along."
          >
            {(p) => (
              <input
                {...p}
                type="file"
                accept=".yaml,.yml,.zip,application/zip,application/yaml,text/yaml"
                data-testid="import-file"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) importFile.mutate(file);
                  e.target.value = "";
                }}
              />
            )}
          </Field>
          {importFile.isPending && <p role="status">Importing…</p>}
          {importFile.isSuccess && <p role="status">Imported “{importFile.data.title}”.</p>}
          <ErrorMessage error={importFile.error} fields={["file"]} />
        </div>
      </div>
      {comics.isPending && <p>Loading…</p>}
      <ErrorMessage error={comics.error} />
      {comics.data && comics.data.length === 0 && <p>No comics yet: create your first one above.</p>}
      <ul className="comic-list" aria-label="Comics">
        {comics.data?.map((comic) => (
          <ComicCard key={comic.id} comic={comic} />
        ))}
      </ul>
    </main>
  );
}

function ComicCard({ comic }: { comic: Comic }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const duplicate = useMutation({
    mutationFn: () => ok(api.POST("/api/comics/{comic_id}/duplicate", { params: { path: { comic_id: comic.id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.comics }),
  });
  const remove = useMutation({
    mutationFn: () => ok(api.DELETE("/api/comics/{comic_id}", { params: { path: { comic_id: comic.id } } })),
    onMutate: async () => {
      await client.cancelQueries({ queryKey: keys.comics });
      const previous = client.getQueryData<Comic[]>(keys.comics);
      client.setQueryData<Comic[]>(keys.comics, (list) => list?.filter((c) => c.id !== comic.id));
      return { previous };
    },
    onError: (_e, _v, context) => client.setQueryData(keys.comics, context?.previous),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.comics }),
  });
  const style = (comic.spec.style as { name?: string } | undefined)?.name;
  return (
    <li className="card comic-card" data-testid={`comic-${comic.id}`}>
      {comic.cover_url ? (
        <img className="cover" src={comic.cover_url} alt={`Cover of ${comic.title}`} data-testid="comic-cover" />
      ) : (
        <div className="cover empty" aria-hidden="true" />
      )}
      <h3>
        <Link to={`/comics/${comic.id}`}>{comic.title}</Link>
      </h3>
      <p className="muted">
        {comicCounts(comic)}
        {style ? ` · ${style}` : ""} · changed {new Date(comic.changed_at).toLocaleString()}
      </p>
      <div className="row">
        <Link to={`/comics/${comic.id}`} className="button" aria-label={`Open ${comic.title}`}>
          Open
        </Link>
        <button type="button" onClick={() => duplicate.mutate()} disabled={duplicate.isPending} aria-label={`Duplicate ${comic.title}`}>
          Duplicate
        </button>
        <a className="button" href={`/api/comics/${comic.id}/script`} download aria-label={`Export script of ${comic.title}`}>
          Export script
        </a>
        <a className="button" href={`/api/comics/${comic.id}/project`} download aria-label={`Export project of ${comic.title}`}>
          Export project
        </a>
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${comic.title}`}>
            Delete
          </button>
        ) : (
          <span className="confirm" role="group" aria-label="Confirm delete">
            Delete “{comic.title}” for good?{" "}
            <button type="button" className="danger" onClick={() => remove.mutate()} data-testid="confirm-delete">
              Yes, delete
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
      </div>
      <ErrorMessage error={duplicate.error ?? remove.error} />
    </li>
  );
}
