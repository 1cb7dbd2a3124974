// The settings and the buttons that repaint part of the picked picture (inpaint, with the painted mask) or
// extend it (outpaint, to the outpaint frame), as the panel canvas's mask and outpaint layers show them.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { uploadAsset } from "../../api/client";
import { ErrorMessage, Field } from "../../components/ui";
import { PromptInput } from "../../components/PromptInput";
import { errorAbout } from "../../lib/errors";
import type { GenerateProps } from "../panels/GenerateSection";
import type { Side, Sides } from "../canvas/outpaintFrame";

type Props = Pick<GenerateProps, "panel" | "running" | "generate">;
const SIDE_LABELS: Record<Side, string> = { top: "Above", bottom: "Below", left: "On the left", right: "On the right" };

/** Inpaint settings; ``exportMask`` gives the mask PNG (white: repaint) at the picture's size. */
export function InpaintSettings({ panel, running, generate, maskPainted, exportMask }: Props & { maskPainted: boolean; exportMask: () => Promise<Blob> }) {
  const picked = panel.picked_image;
  const [prompt, setPrompt] = useState("");
  const [strength, setStrength] = useState(0.8);
  const [grow, setGrow] = useState(32);
  const [feather, setFeather] = useState(8);
  const [candidates, setCandidates] = useState(2);
  const inpaint = useMutation({
    mutationFn: async () => {
      if (!picked) throw new Error("pick a picture first");
      if (!maskPainted) throw new Error("paint over the part to repaint first");
      const mask = await uploadAsset(await exportMask(), `panel-${panel.id}-mask.png`, panel.comic_id);
      return generate.mutateAsync({ mode: "inpaint", mask_id: mask.id, source_image_id: picked.id, prompt: prompt || null, strength, grow, feather, candidates });
    },
  });
  const err = (key: string) => errorAbout(generate.error, key);
  return (
    <div className="card">
      <p className="muted">Paint over what should change (it shows red). Only that part is redrawn; the rest stays as it is.</p>
      <PromptInput label="What to paint there" rows={3} value={prompt} onChange={setPrompt} error={err("prompt")} testId="inpaint-prompt" placeholder="empty: the panel's description" />
      <Field label={`Change: ${Math.round(strength * 100)}%`} error={err("strength")}>
        {(p) => <input {...p} type="range" min={0.05} max={1} step={0.05} value={strength} onChange={(e) => setStrength(Number(e.target.value))} />}
      </Field>
      <Field label="Widen the painted area (px)" hint="A little wider helps the new part blend in." error={err("grow")}>
        {(p) => <input {...p} type="number" min={0} max={512} value={grow} onChange={(e) => setGrow(Number(e.target.value))} />}
      </Field>
      <Field label="Soften the edge (px)" hint="How gradually the new part fades into the old." error={err("feather")}>
        {(p) => <input {...p} type="number" min={0} max={512} value={feather} onChange={(e) => setFeather(Number(e.target.value))} />}
      </Field>
      <Field label="Versions to draw" error={err("candidates")}>
        {(p) => <input {...p} type="number" min={1} max={16} value={candidates} onChange={(e) => setCandidates(Number(e.target.value) || 1)} />}
      </Field>
      <button type="button" className="primary" disabled={!maskPainted || running || inpaint.isPending} onClick={() => inpaint.mutate()} data-testid="inpaint">
        Repaint
      </button>
      <ErrorMessage error={inpaint.error} fields={["prompt", "strength", "grow", "feather", "candidates"]} />
    </div>
  );
}

/** Outpaint settings: the pixels the outpaint frame adds on each side (also typed here), prompt and candidates. */
export function OutpaintSettings({ panel, running, generate, sides, onSides }: Props & { sides: Sides; onSides: (sides: Sides) => void }) {
  const picked = panel.picked_image;
  const [prompt, setPrompt] = useState("");
  const [candidates, setCandidates] = useState(2);
  const err = (key: string) => errorAbout(generate.error, key);
  const total = Object.values(sides).reduce((a, b) => a + b, 0);
  return (
    <div className="card">
      <p className="muted">Drag the frame's handles past the picture's edges to make it bigger, or type how much to add.</p>
      <fieldset>
        <legend>How much to add on each side (pixels)</legend>
        <div className="grid2">
          {(["top", "bottom", "left", "right"] as Side[]).map((side) => (
            <Field key={side} label={SIDE_LABELS[side]} error={err(`outpaint.${side}`)}>
              {(p) => (
                <input {...p} type="number" min={0} max={4096} step={8} value={sides[side]} onChange={(e) => onSides({ ...sides, [side]: Number(e.target.value) || 0 })} data-testid={`outpaint-${side}`} />
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <PromptInput label="What the new area shows" rows={3} value={prompt} onChange={setPrompt} error={err("prompt")} placeholder="empty: the panel's description" />
      <Field label="Versions to draw" error={err("candidates")}>
        {(p) => <input {...p} type="number" min={1} max={16} value={candidates} onChange={(e) => setCandidates(Number(e.target.value) || 1)} />}
      </Field>
      <button
        type="button"
        className="primary"
        disabled={!picked || !total || running || generate.isPending}
        onClick={() => picked && generate.mutate({ mode: "outpaint", source_image_id: picked.id, outpaint: sides, prompt: prompt || null, candidates })}
        data-testid="outpaint"
      >
        Extend
      </button>
      <ErrorMessage error={generate.error} fields={["prompt", "candidates", "outpaint"]} />
    </div>
  );
}
