import type { LibraryModel } from "../../api/client";

/** The character's trigger words with those of ``model`` the character lacks added at the end. */
export function withTriggerWords(current: string[], model: LibraryModel): string[] {
  const known = new Set(current.map((w) => w.toLowerCase()));
  return [...current, ...model.trigger_words.filter((w) => !known.has(w.toLowerCase()))];
}

/** After a LoRA with trigger words is picked: offers to add the words the character lacks. */
export function TriggerWordsOffer({
  model,
  current,
  onAdd,
  onClose,
}: {
  model: LibraryModel;
  current: string[];
  onAdd: (words: string[]) => void;
  onClose: () => void;
}) {
  const next = withTriggerWords(current, model);
  const missing = next.slice(current.length);
  if (missing.length === 0) return null;
  return (
    <div className="trigger-offer" role="group" aria-label="Trigger words of the LoRA" data-testid="trigger-offer">
      <span>
        {model.name} is triggered by <strong>{missing.join(", ")}</strong>.
      </span>
      <button
        type="button"
        onClick={() => {
          onAdd(next);
          onClose();
        }}
      >
        Add to trigger words
      </button>
      <button type="button" onClick={onClose}>
        Not now
      </button>
    </div>
  );
}
