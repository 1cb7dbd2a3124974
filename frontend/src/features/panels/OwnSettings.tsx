import type { Panel } from "../../api/client";
import { ErrorMessage } from "../../components/ui";
import { usePanelPatch } from "./usePanelPatch";

const OWN = ["steps", "cfg", "sampler", "scheduler"] as const;

/** The sampling settings this panel keeps for itself (from "Reuse these settings"), and a way back to the comic's. */
export function OwnSettings({ panel }: { panel: Panel }) {
  const patch = usePanelPatch(panel);
  const own = OWN.filter((k) => panel.spec[k] != null);
  if (!own.length) return null;
  return (
    <div className="muted" data-testid="panel-own-settings">
      This panel draws with its own {own.map((k) => `${k} ${String(panel.spec[k])}`).join(", ")}.{" "}
      <button type="button" className="link" disabled={patch.isPending} onClick={() => patch.mutate({ steps: null, cfg: null, sampler: null, scheduler: null })}>
        Use the comic's settings
      </button>
      <ErrorMessage error={patch.error} />
    </div>
  );
}
