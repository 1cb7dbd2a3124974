import { useState } from "react";
import type { Character } from "../../api/client";
import { TrainingWizard } from "./TrainingWizard";

/** The character view's entry to LoRA training: closed until the author opens it. */
export function TrainingSection({ character, onPicked }: { character: Character; onPicked: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="card training-section" aria-label="Train a LoRA">
      <div className="row between">
        <h3>Train a LoRA from photos</h3>
        <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="open-training">
          {open ? "Close" : "Train a LoRA"}
        </button>
      </div>
      {open ? (
        <TrainingWizard character={character} onPicked={onPicked} />
      ) : (
        <p className="muted">About 30 photos of a real person become a LoRA that draws {character.name} in any style.</p>
      )}
    </section>
  );
}
