import { useState } from "react";
import type { Comic, ComicSpec } from "../../api/client";
import { ErrorMessage, Field, SaveIndicator } from "../../components/ui";
import { Select } from "../../components/Select";
import { errorAbout } from "../../lib/errors";
import { useAutosave } from "../../lib/useAutosave";
import { useComicPatch } from "../comics/useComicPatch";

type Details = Pick<
  ComicSpec,
  "author" | "summary" | "language" | "reading_direction" | "series" | "episode" | "genre" | "age_rating"
>;
type AgeRating = NonNullable<Details["age_rating"]>;

/** The ComicInfo age ratings, as comic readers and library servers know them. */
export const AGE_RATINGS: AgeRating[] = [
  "Unknown",
  "Early Childhood",
  "Everyone",
  "G",
  "Everyone 10+",
  "PG",
  "Kids to Adults",
  "Teen",
  "MA15+",
  "Mature 17+",
  "M",
  "R18+",
  "Adults Only 18+",
  "X18+",
  "Rating Pending",
];

function detailsOf(comic: Comic): Details {
  const spec = comic.spec as Details;
  return {
    author: spec.author ?? "",
    summary: spec.summary ?? "",
    language: spec.language ?? "en",
    reading_direction: spec.reading_direction ?? "ltr",
    series: spec.series ?? "",
    episode: spec.episode ?? null,
    genre: spec.genre ?? "",
    age_rating: spec.age_rating ?? "Unknown",
  };
}

/** What the exports say about the comic: author, summary, language, reading direction, series, genre, rating. */
export function ComicDetails({ comic }: { comic: Comic }) {
  const patch = useComicPatch(comic.id);
  const save = useAutosave((p: Partial<Details>) => patch.mutateAsync(p));
  const [details, setDetails] = useState<Details>(() => detailsOf(comic));
  const err = (key: keyof Details) => errorAbout(save.error, key);
  const change = (next: Partial<Details>) => {
    setDetails({ ...details, ...next });
    save.queue(next);
  };
  const text = (key: "author" | "series" | "genre" | "language") => (e: { target: { value: string } }) =>
    change({ [key]: e.target.value });

  return (
    <main className="comic-details" data-testid="comic-details">
      <div className="row between">
        <h2>Comic details</h2>
        <SaveIndicator status={save.status} testId="details-save-status" />
      </div>
      <p className="hint">Comic readers, library servers and PDF viewers show these; every export carries them.</p>
      <section className="card grid2">
        <Field label="Author" error={err("author")}>
          {(p) => <input {...p} value={details.author ?? ""} onChange={text("author")} />}
        </Field>
        <Field label="Genre" error={err("genre")} hint="One or more, separated by commas: science fiction, comedy.">
          {(p) => <input {...p} value={details.genre ?? ""} onChange={text("genre")} />}
        </Field>
        <Field label="Series" error={err("series")}>
          {(p) => <input {...p} value={details.series ?? ""} onChange={text("series")} />}
        </Field>
        <Field label="Number in the series" error={err("episode")}>
          {(p) => (
            <input
              {...p}
              type="number"
              min={0}
              value={details.episode ?? ""}
              onChange={(e) => change({ episode: e.target.value === "" ? null : Number(e.target.value) })}
            />
          )}
        </Field>
        <Field label="Language" error={err("language")} hint="A language code: en, fr, ja, pt-BR.">
          {(p) => <input {...p} value={details.language ?? ""} onChange={text("language")} />}
        </Field>
        <div className="field">
          <span className="field-label">Reading direction</span>
          <Select
            label="Reading direction"
            value={details.reading_direction ?? "ltr"}
            onChange={(reading_direction) => change({ reading_direction })}
            options={[
              { value: "ltr", label: "Left to right" },
              { value: "rtl", label: "Right to left (manga)" },
            ]}
            testId="reading-direction"
          />
          {err("reading_direction") && <small className="error" role="alert">{err("reading_direction")}</small>}
        </div>
        <div className="field">
          <span className="field-label">Age rating</span>
          <Select
            label="Age rating"
            value={details.age_rating ?? "Unknown"}
            onChange={(age_rating) => change({ age_rating })}
            options={AGE_RATINGS.map((rating) => ({ value: rating, label: rating === "Unknown" ? "Not rated" : rating }))}
            testId="age-rating"
          />
          {err("age_rating") && <small className="error" role="alert">{err("age_rating")}</small>}
        </div>
        <Field label="Summary" error={err("summary")} className="wide">
          {(p) => <textarea {...p} rows={4} value={details.summary ?? ""} onChange={(e) => change({ summary: e.target.value })} />}
        </Field>
      </section>
      <ErrorMessage error={save.error} fields={["author", "summary", "language", "reading_direction", "series", "episode", "genre", "age_rating"]} />
    </main>
  );
}
