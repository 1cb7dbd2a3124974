import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Character, type Job } from "../../api/client";
import type { components } from "../../api/schema";
import { keys } from "../../api/queries";
import { ErrorMessage, Field } from "../../components/ui";
import { useJob } from "../jobs/useJob";
import { JobProgressView } from "../jobs/JobProgressView";

export type Portrait = components["schemas"]["PortraitOut"];
export const portraitKeys = (characterId: number) => ["portraits", characterId] as const;

/** Portraits to check a character's look: every sheet drawn for them stays in their history; adopting a
 * portrait gives the character its seed. */
export function CharacterSheet({ character }: { character: Character }) {
  const client = useQueryClient();
  const [job, setJob] = useState<Job | null>(null);
  const [count, setCount] = useState(4);
  const portraits = useQuery({
    queryKey: portraitKeys(character.id),
    queryFn: () => ok(api.GET("/api/characters/{character_id}/portraits", { params: { path: { character_id: character.id } } })),
  });
  const start = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/characters/{character_id}/sheet", { params: { path: { character_id: character.id } }, body: { count } })),
    onSuccess: setJob,
  });
  const adopt = useMutation({
    mutationFn: (portrait: Portrait) => ok(api.POST("/api/portraits/{portrait_id}/adopt", { params: { path: { portrait_id: portrait.id } } })),
    onSuccess: (saved) => {
      client.setQueryData<Character[]>(keys.characters(character.comic_id), (list) => list?.map((c) => (c.id === saved.id ? saved : c)));
    },
  });
  const { progress } = useJob(job, () => void client.invalidateQueries({ queryKey: portraitKeys(character.id) }));
  useEffect(() => setJob(null), [character.id]);
  const running = job != null && (progress.status === "queued" || progress.status === "running");
  const seed = character.spec.seed as number | null | undefined;
  return (
    <section className="card sheet" aria-label="Character sheet">
      <h3>Character sheet</h3>
      <div className="row">
        <Field label="How many portraits">
          {(p) => <input {...p} type="number" min={1} max={8} value={count} onChange={(e) => setCount(Number(e.target.value) || 1)} />}
        </Field>
        <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending || running} data-testid="character-sheet">
          Draw portraits
        </button>
      </div>
      <ErrorMessage error={start.error ?? adopt.error} />
      {job && <JobProgressView job={job} progress={progress} label="Character sheet" />}
      {running && (
        <div className="thumbs" data-testid="sheet-live">
          {progress.images.map((r) => (
            <img key={r.url} src={r.url} alt={`New portrait ${r.candidate + 1} of ${character.name}`} />
          ))}
        </div>
      )}
      {portraits.data?.length === 0 && !running && <p className="muted">No portraits yet: draw a few to check the look before drawing panels.</p>}
      <ul className="thumbs portrait-history" data-testid="sheet-results" aria-label={`Portraits of ${character.name}`}>
        {portraits.data?.map((portrait, i) => (
          <li key={portrait.id} className={portrait.seed === seed ? "adopted" : ""}>
            <img src={portrait.url} alt={`Portrait ${i + 1} of ${character.name} (seed ${portrait.seed})`} />
            {portrait.seed === seed ? (
              <span className="badge">This look (seed {portrait.seed})</span>
            ) : (
              <button type="button" onClick={() => adopt.mutate(portrait)} disabled={adopt.isPending} aria-label={`Use the look of portrait ${i + 1} (seed ${portrait.seed})`}>
                Use this look
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
