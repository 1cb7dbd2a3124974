import { useId } from "react";
import { ToggleGroup } from "radix-ui";
import { Zap } from "lucide-react";
import type { Panel } from "../../api/client";
import { Link, Select } from "../../components/ui";
import { comicPath } from "../../lib/router";
import { errorAbout } from "../../lib/errors";
import { usePanelPatch } from "../panels/usePanelPatch";
import { FAST_SETTINGS_ID } from "./fast";

type Choice = "comic" | "draft" | "final";
const CHOICES: Record<Choice, boolean | null> = { comic: null, draft: true, final: false };

/** The panel's own choice, saved at once: follow the comic, always draw drafts, or always draw finals. */
export function PanelFastSetting({ panel, comicDrafts }: { panel: Panel; comicDrafts: boolean }) {
  const patch = usePanelPatch(panel);
  const own = (panel.spec.fast as boolean | null | undefined) ?? null;
  const value: Choice = own == null ? "comic" : own ? "draft" : "final";
  const error = errorAbout(patch.error, "fast");
  return (
    <div className="row fast-setting">
      <span className="muted">This panel draws</span>
      <Select<Choice>
        label="This panel draws"
        value={value}
        onChange={(choice) => patch.mutate({ fast: CHOICES[choice] })}
        options={[
          { value: "comic", label: `as the comic says (${comicDrafts ? "drafts" : "finals"})` },
          { value: "draft", label: "always fast drafts" },
          { value: "final", label: "always finals" },
        ]}
        testId="panel-fast"
      />
      {(error || patch.error) && (
        <small className="error" role="alert">
          {error ?? String(patch.error)}
        </small>
      )}
    </div>
  );
}

/**
 * Draw this one time as a fast draft or as a final (a segmented control). ``missingLora`` is the server's
 * message when the draft's LoRA is not installed: shown here, with the way to the profile settings.
 */
export function DrawAs({
  comicId,
  draft,
  onChange,
  missingLora,
  disabled,
}: {
  comicId: number;
  draft: boolean;
  onChange: (draft: boolean) => void;
  missingLora?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className={`field draw-as ${missingLora ? "has-error" : ""}`}>
      <span id={`${id}-label`} className="field-label">
        Draw this time as
      </span>
      <ToggleGroup.Root
        type="single"
        className="segmented"
        aria-labelledby={`${id}-label`}
        aria-describedby={missingLora ? `${id}-error` : undefined}
        value={draft ? "draft" : "final"}
        onValueChange={(v) => v && onChange(v === "draft")}
        disabled={disabled}
        data-testid="draw-as"
      >
        <ToggleGroup.Item value="draft" aria-label="Fast draft" data-testid="draw-as-draft">
          <Zap size={14} aria-hidden /> Draft
        </ToggleGroup.Item>
        <ToggleGroup.Item value="final" aria-label="Final" data-testid="draw-as-final">
          Final
        </ToggleGroup.Item>
      </ToggleGroup.Root>
      {missingLora && (
        <>
          <small id={`${id}-error`} className="error" role="alert" data-testid="draft-lora-missing">
            {missingLora}
          </small>
          <div className="row" data-testid="draft-lora-fix">
            <Link to={`${comicPath(comicId, "style")}#${FAST_SETTINGS_ID}`}>Choose another profile or your own LoRA file</Link>
            <button type="button" className="link" onClick={() => onChange(false)}>
              Draw a final instead
            </button>
          </div>
        </>
      )}
    </div>
  );
}
