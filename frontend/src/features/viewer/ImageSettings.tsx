import { useState } from "react";
import type { Image } from "../../api/client";

type Settings = NonNullable<Image["settings"]>;

const TASKS: Record<string, string> = {
  text_to_image: "Drawn from the description",
  sketch_to_image: "Drawn following the sketch",
  image_to_image: "A variation of a picture",
  inpaint: "Part of a picture redrawn",
  outpaint: "A picture extended",
  face_detail: "Faces redrawn",
};

/** What drew a picture: the final prompts, the model and LoRAs, and the sampling settings. */
export function ImageSettings({
  settings,
  onReuse,
}: {
  settings: Settings | null | undefined;
  onReuse?: (settings: Settings) => Promise<unknown>;
}) {
  const [reused, setReused] = useState<"no" | "saving" | "done" | "failed">("no");
  if (!settings) return <p className="muted">The settings of this picture were not kept.</p>;
  const rows: [string, string][] = [
    ["Seed", String(settings.seed)],
    ["Steps", String(settings.steps)],
    ["CFG", String(settings.cfg)],
    ["Sampler", `${settings.sampler} · ${settings.scheduler}`],
    ["Size", `${settings.width} × ${settings.height}`],
    ["Model", settings.model],
  ];
  if (settings.strength < 1) rows.push(["Change", `${Math.round(settings.strength * 100)}%`]);
  return (
    <div className="image-settings" data-testid="image-settings">
      <p className="muted">{TASKS[settings.task] ?? settings.task}</p>
      <h3>Prompt</h3>
      <p className="prompt-text" data-testid="final-prompt">
        {settings.prompt || <span className="muted">(empty)</span>}
      </p>
      {settings.negative_prompt && (
        <>
          <h3>Negative prompt</h3>
          <p className="prompt-text">{settings.negative_prompt}</p>
        </>
      )}
      <dl className="settings-table">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {settings.loras.length > 0 && (
          <div>
            <dt>LoRAs</dt>
            <dd>
              {settings.loras.map((l) => (
                <div key={l.name}>
                  {l.name} <span className="muted">({l.strength_model ?? 1})</span>
                </div>
              ))}
            </dd>
          </div>
        )}
      </dl>
      {onReuse && (
        <div className="row">
          <button
            type="button"
            className="primary"
            disabled={reused === "saving"}
            onClick={() => {
              setReused("saving");
              onReuse(settings).then(
                () => setReused("done"),
                () => setReused("failed"),
              );
            }}
            data-testid="reuse-settings"
          >
            Reuse these settings
          </button>
          <span role="status" className={reused === "failed" ? "error" : "muted"}>
            {reused === "done" && `Settings copied to the panel: seed ${settings.seed} is locked, Generate draws this picture again.`}
            {reused === "failed" && "Not copied: see the message under the candidates."}
          </span>
        </div>
      )}
    </div>
  );
}
