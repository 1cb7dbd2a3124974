import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, uploadAsset, type Character, type CharacterPatch, type LibraryModel } from "../../api/client";
import { keys, useCharacters, useComic, useModels } from "../../api/queries";
import { ErrorMessage, Field, Link, SaveIndicator } from "../../components/ui";
import { LoraList } from "../../components/LoraList";
import { PromptInput } from "../../components/PromptInput";
import { errorAbout } from "../../lib/errors";
import { comicPath, navigate } from "../../lib/router";
import { useAutosave } from "../../lib/useAutosave";
import { familyOf } from "../models/library";
import { ReferenceImages } from "./ReferenceImages";
import { TriggerWordsOffer } from "./TriggerWordsOffer";
import { TrainingSection } from "../training/TrainingSection";
import { CharacterSheet } from "./CharacterSheet";

export function CharactersView({ comicId, characterId }: { comicId: number; characterId?: number }) {
  const client = useQueryClient();
  const characters = useCharacters(comicId);
  const [name, setName] = useState("");
  const [picks, setPicks] = useState(0); // a picked LoRA changes the character: its editor starts again from the server's
  const create = useMutation({
    mutationFn: () => ok(api.POST("/api/comics/{comic_id}/characters", { params: { path: { comic_id: comicId } }, body: { name } })),
    onSuccess: async (character) => {
      setName("");
      // The new character shows at once, from the server's answer; a list read still under way (begun
      // before it existed) is dropped rather than left to hide it, and the list is read again.
      await client.cancelQueries({ queryKey: keys.characters(comicId) });
      client.setQueryData<Character[]>(keys.characters(comicId), (list) => [...(list ?? []).filter((c) => c.id !== character.id), character]);
      void client.invalidateQueries({ queryKey: keys.characters(comicId) });
      void client.invalidateQueries({ queryKey: keys.comic(comicId) });
      navigate(comicPath(comicId, "characters", character.id));
    },
  });
  const selected = characters.data?.find((c) => c.id === characterId) ?? characters.data?.[0];
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="split">
      <aside className="sidebar" aria-label="Characters">
        <h2>Characters</h2>
        <ul className="item-list">
          {characters.data?.map((c) => (
            <li key={c.id}>
              <Link to={comicPath(comicId, "characters", c.id)} className={selected?.id === c.id ? "active" : ""} aria-current={selected?.id === c.id ? "page" : undefined}>
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
        <form onSubmit={onCreate} aria-label="New character">
          <Field label="New character name" error={errorAbout(create.error, "name")}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required data-testid="new-character-name" />}
          </Field>
          <button type="submit" disabled={create.isPending} data-testid="add-character">
            Add character
          </button>
          <ErrorMessage error={create.error} fields={["name"]} />
        </form>
      </aside>
      <main className="main">
        {selected ? (
          <>
            <CharacterEditor key={`${selected.id}-${picks}`} character={selected} />
            <TrainingSection character={selected} onPicked={() => setPicks((n) => n + 1)} />
          </>
        ) : (
          <p>Add a character: a name and what they look like.</p>
        )}
      </main>
    </div>
  );
}

function CharacterEditor({ character }: { character: Character }) {
  const client = useQueryClient();
  const listKey = keys.characters(character.comic_id);
  const patch = useMutation({
    mutationFn: (body: CharacterPatch) =>
      ok(api.PATCH("/api/characters/{character_id}", { params: { path: { character_id: character.id } }, body })),
    onMutate: async (body) => {
      await client.cancelQueries({ queryKey: listKey });
      const previous = client.getQueryData<Character[]>(listKey);
      const { reference_image_ids: _ids, ...spec } = body;
      client.setQueryData<Character[]>(listKey, (list) =>
        list?.map((c) => (c.id === character.id ? { ...c, name: spec.name ?? c.name, spec: { ...c.spec, ...spec } } : c)),
      );
      return { previous };
    },
    onError: (_e, _b, context) => client.setQueryData(listKey, context?.previous),
    onSuccess: (saved) => {
      client.setQueryData<Character[]>(listKey, (list) => list?.map((c) => (c.id === saved.id ? saved : c)));
      void client.invalidateQueries({ queryKey: keys.panels(character.comic_id) });
      void client.invalidateQueries({ queryKey: ["composed"] });
    },
  });
  const save = useAutosave((body: CharacterPatch) => patch.mutateAsync(body));
  const spec = character.spec as CharacterPatch;
  const [draft, setDraft] = useState<CharacterPatch>(() => ({
    name: character.name,
    description: spec.description ?? "",
    clothes: spec.clothes ?? "",
    trigger_words: spec.trigger_words ?? [],
    loras: spec.loras ?? [],
    negative_prompt: spec.negative_prompt ?? "",
    seed: spec.seed ?? null,
    reference_strength: spec.reference_strength ?? 0.6,
    reference_focus: spec.reference_focus ?? "face_and_clothes",
  }));
  const [triggers, setTriggers] = useState((spec.trigger_words ?? []).join(", "));
  const [seedText, setSeedText] = useState(spec.seed != null ? String(spec.seed) : "");
  const change = (next: CharacterPatch) => {
    setDraft((d) => ({ ...d, ...next }));
    save.queue(next);
  };
  const err = (key: string) => errorAbout(save.error, key) ?? errorAbout(upload.error, key);
  const locked = draft.seed != null;
  const checkpoint = (useComic(character.comic_id).data?.spec.style as { checkpoint?: string | null } | undefined)?.checkpoint;
  const family = familyOf(useModels().data, checkpoint);
  const [offer, setOffer] = useState<LibraryModel | null>(null);
  const setTriggerWords = (words: string[]) => {
    setTriggers(words.join(", "));
    change({ trigger_words: words });
  };

  const upload = useMutation({
    mutationFn: async (file: File) => {
      const asset = await uploadAsset(file, file.name, character.comic_id);
      return patch.mutateAsync({ reference_image_ids: [...character.reference_images.map((a) => a.id), asset.id] });
    },
  });
  const removeReference = (id: number) =>
    patch.mutate({ reference_image_ids: character.reference_images.map((a) => a.id).filter((x) => x !== id) });

  const remove = useMutation({
    mutationFn: () => ok(api.DELETE("/api/characters/{character_id}", { params: { path: { character_id: character.id } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: listKey });
      void client.invalidateQueries({ queryKey: keys.panels(character.comic_id) });
      navigate(comicPath(character.comic_id, "characters"));
    },
  });

  return (
    <section className="character-editor" aria-label={`Character ${character.name}`}>
      <div className="row between">
        <h2>{draft.name || character.name}</h2>
        <SaveIndicator status={save.status} testId="character-save-status" />
      </div>
      <div className="grid2">
        <div>
          <Field label="Name" error={err("name")}>
            {(p) => <input {...p} value={draft.name ?? ""} onChange={(e) => change({ name: e.target.value })} data-testid="character-name" />}
          </Field>
          <PromptInput label="Look (face, hair, body)" value={draft.description ?? ""} onChange={(v) => change({ description: v })} error={err("description")} testId="character-description" />
          <PromptInput label="Clothes" rows={2} value={draft.clothes ?? ""} onChange={(v) => change({ clothes: v })} error={err("clothes")} />
          <Field label="Trigger words" hint="Comma-separated words that activate the character's LoRA." error={err("trigger_words")}>
            {(p) => (
              <input
                {...p}
                value={triggers}
                onChange={(e) => {
                  setTriggers(e.target.value);
                  change({ trigger_words: splitWords(e.target.value) });
                }}
              />
            )}
          </Field>
          <LoraList
            label="Character LoRAs"
            family={family}
            loras={draft.loras ?? []}
            onChange={(loras) => change({ loras })}
            errorFor={(k) => err(`loras.${k}`)}
            onPicked={(model) => setOffer(model.trigger_words.length ? model : null)}
          />
          {offer && (
            <TriggerWordsOffer
              model={offer}
              current={draft.trigger_words ?? []}
              onAdd={(words) => setTriggerWords(words)}
              onClose={() => setOffer(null)}
            />
          )}
          <PromptInput label="Character negative prompt" rows={2} value={draft.negative_prompt ?? ""} onChange={(v) => change({ negative_prompt: v })} error={err("negative_prompt")} />
          <fieldset className="seed-lock">
            <legend>Seed</legend>
            <label className="inline">
              <input
                type="checkbox"
                checked={locked}
                onChange={(e) => {
                  const seed = e.target.checked ? (seedText ? Number(seedText) : Math.floor(Math.random() * 2 ** 31)) : null;
                  if (seed != null) setSeedText(String(seed));
                  change({ seed });
                }}
                data-testid="seed-lock"
              />
              Lock the seed (same face every time)
            </label>
            <Field label="Seed value" error={err("seed")}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={0}
                  value={seedText}
                  disabled={!locked}
                  onChange={(e) => {
                    setSeedText(e.target.value);
                    if (e.target.value !== "") change({ seed: Number(e.target.value) });
                  }}
                />
              )}
            </Field>
          </fieldset>
        </div>
        <div>
          <ReferenceImages
            images={character.reference_images}
            strength={draft.reference_strength ?? 0.6}
            focus={draft.reference_focus ?? "face_and_clothes"}
            onStrength={(reference_strength) => change({ reference_strength })}
            onFocus={(reference_focus) => change({ reference_focus })}
            onUpload={(file) => upload.mutate(file)}
            onRemove={removeReference}
            uploading={upload.isPending}
            uploadError={errorAbout(upload.error, "file") ?? errorAbout(upload.error, "reference_image_ids")}
            strengthError={err("reference_strength") ?? err("reference_focus")}
          />
          <CharacterSheet character={character} />
        </div>
      </div>
      <ErrorMessage error={save.error} fields={["name", "description", "clothes", "trigger_words", "loras", "negative_prompt", "seed", "reference_strength", "reference_focus"]} />
      <button type="button" className="danger" onClick={() => remove.mutate()}>
        Delete character
      </button>
    </section>
  );
}

function splitWords(text: string): string[] {
  return text.split(",").map((w) => w.trim()).filter(Boolean);
}
