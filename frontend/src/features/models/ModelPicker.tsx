import { useEffect, useId, useState, type KeyboardEvent } from "react";
import type { LibraryModel } from "../../api/client";
import { useModels } from "../../api/queries";
import { fitsFamily, formatSize, pickable, type PickKind } from "./library";

/** At most this many entries are listed at once; the search narrows the rest. */
export const SHOWN_MAX = 50;

export type ModelPickerProps = {
  /** The accessible name of the search box. */
  label: string;
  kind: PickKind;
  value: string | null | undefined;
  /** A library entry picked (with the entry), or a typed name (``model`` undefined), or cleared (null). */
  onChange: (name: string | null, model?: LibraryModel) => void;
  /** The family of the checkpoint this model goes with: entries of another family cannot be picked. */
  family?: string | null;
  placeholder?: string;
  autoFocus?: boolean;
  id?: string;
  invalid?: boolean;
  describedBy?: string;
};

/**
 * A searchable pick from the model library (an ARIA combobox): typing filters by name and trigger
 * words, arrows and Enter pick, Escape closes; a name the library lacks can still be typed and kept.
 */
export function ModelPicker({ label, kind, value, onChange, family, placeholder, autoFocus, id, invalid, describedBy }: ModelPickerProps) {
  const models = useModels();
  const listId = useId();
  const [text, setText] = useState(value ?? "");
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  useEffect(() => setText(value ?? ""), [value]);
  const found = pickable(models.data ?? [], kind, query, family);
  const shown = found.slice(0, SHOWN_MAX);
  const usable = (m: LibraryModel) => fitsFamily(m.family, family);

  const pick = (model: LibraryModel) => {
    if (!usable(model)) return;
    setText(model.name);
    setOpen(false);
    onChange(model.name, model);
  };
  const keepTyped = () => {
    const typed = text.trim();
    if (typed !== (value ?? "")) onChange(typed || null);
  };
  const move = (step: number) => {
    setOpen(true);
    if (shown.length) setActive((a) => (a + step + shown.length) % shown.length);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      move(e.key === "ArrowDown" ? 1 : -1);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (open && shown[active]) pick(shown[active]);
      else {
        keepTyped();
        setOpen(false);
      }
    } else if (e.key === "Escape") {
      setText(value ?? "");
      setOpen(false);
    }
  };

  return (
    <div className="model-picker">
      <input
        id={id}
        role="combobox"
        aria-label={label}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && shown[active] ? `${listId}-${active}` : undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        autoFocus={autoFocus}
        placeholder={placeholder ?? "search the library or type a name"}
        value={text}
        onFocus={() => {
          setQuery("");
          setActive(-1);
          setOpen(true);
        }}
        onChange={(e) => {
          setText(e.target.value);
          setQuery(e.target.value);
          // Enter on an emptied box clears the field rather than picking the first entry.
          setActive(e.target.value.trim() ? 0 : -1);
          setOpen(true);
        }}
        onBlur={() => {
          setOpen(false);
          keepTyped();
        }}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul className="model-options" role="listbox" id={listId} aria-label="Model library">
          {models.isPending && <li className="muted">Loading the model library…</li>}
          {models.isError && <li className="error">The model library could not be loaded; type a name.</li>}
          {models.isSuccess && found.length === 0 && <li className="muted">No model in the library matches; the name is kept as typed.</li>}
          {shown.map((model, i) => (
            <ModelOption
              key={`${model.source}:${model.name}`}
              id={`${listId}-${i}`}
              model={model}
              active={i === active}
              selected={model.name === value}
              otherFamily={!usable(model)}
              onPick={() => pick(model)}
            />
          ))}
          {found.length > shown.length && <li className="muted">{found.length - shown.length} more: type to narrow the list.</li>}
        </ul>
      )}
    </div>
  );
}

function ModelOption({
  id,
  model,
  active,
  selected,
  otherFamily,
  onPick,
}: {
  id: string;
  model: LibraryModel;
  active: boolean;
  selected: boolean;
  otherFamily: boolean;
  onPick: () => void;
}) {
  const facts = [model.family_label, formatSize(model.size), model.source === "built-in" ? "built-in" : ""].filter(Boolean);
  return (
    <li
      id={id}
      role="option"
      aria-selected={selected}
      aria-disabled={otherFamily || undefined}
      className={`model-option${active ? " active" : ""}${otherFamily ? " other-family" : ""}`}
      // Keeps the focus in the search box, so its blur does not commit the typed text first.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onPick}
      data-testid="model-option"
    >
      {model.preview_url ? <img src={model.preview_url} alt="" className="model-preview" loading="lazy" /> : <span className="model-preview" />}
      <span className="model-text">
        <strong>{model.name}</strong>
        <small>{facts.join(" · ")}</small>
        {model.trigger_words.length > 0 && <small className="model-triggers">triggers: {model.trigger_words.join(", ")}</small>}
        {otherFamily && <small className="warning">other family: does not fit this checkpoint</small>}
      </span>
    </li>
  );
}
