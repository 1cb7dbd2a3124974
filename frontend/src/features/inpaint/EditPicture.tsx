import { useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { uploadAsset } from "../../api/client";
import { ErrorMessage, Field, Tabs } from "../../components/ui";
import { PromptInput } from "../../components/PromptInput";
import { errorAbout } from "../../lib/errors";
import { StrokeCanvas, type StrokeCanvasHandle } from "../sketch/StrokeCanvas";
import { JobProgressView } from "../jobs/JobProgressView";
import { CandidateGrid, type GenerateProps } from "../panels/GenerateSection";

type Side = "top" | "bottom" | "left" | "right";

/** Repaint part of the picked picture (inpaint, with a painted mask) or extend it (outpaint). */
export function EditPicture({ panel, job, progress, running, generate }: GenerateProps) {
  const [mode, setMode] = useState<"inpaint" | "outpaint">("inpaint");
  const picked = panel.picked_image;
  const canvas = useRef<StrokeCanvasHandle>(null);
  const [prompt, setPrompt] = useState("");
  const [strength, setStrength] = useState(0.8);
  const [grow, setGrow] = useState(32);
  const [feather, setFeather] = useState(8);
  const [candidates, setCandidates] = useState(2);
  const [sides, setSides] = useState<Record<Side, number>>({ top: 0, bottom: 0, left: 0, right: 0 });
  const [maskPainted, setMaskPainted] = useState(false);
  const inpaint = useMutation({
    mutationFn: async () => {
      if (!canvas.current || !picked) throw new Error("pick a picture first");
      if (!canvas.current.hasStrokes()) throw new Error("paint over the part to repaint first");
      const mask = await uploadAsset(await canvas.current.exportPng(), `panel-${panel.id}-mask.png`, panel.comic_id);
      return generate.mutateAsync({
        mode: "inpaint",
        mask_id: mask.id,
        source_image_id: picked.id,
        prompt: prompt || null,
        strength,
        grow,
        feather,
        candidates,
      });
    },
  });
  const err = (key: string) => errorAbout(generate.error, key);
  if (!picked) return <p>Pick a candidate under “Generate” first: inpainting and outpainting change the picked picture.</p>;
  const outpaintTotal = Object.values(sides).reduce((a, b) => a + b, 0);
  return (
    <div className="edit-picture">
      <Tabs
        label="Edit mode"
        tabs={[
          { id: "inpaint", label: "Inpaint (repaint a part)" },
          { id: "outpaint", label: "Outpaint (extend)" },
        ]}
        value={mode}
        onChange={setMode}
      />
      {mode === "inpaint" ? (
        <div className="grid2">
          <div>
            <p className="muted">Paint over what should change (red). The mask is sent white-on-black at the picture's size.</p>
            <StrokeCanvas
              ref={canvas}
              kind="mask"
              width={picked.width}
              height={picked.height}
              background={picked.url}
              draftKey={`mask:${picked.id}`}
              testId="mask-canvas"
              onDirtyChange={setMaskPainted}
            />
          </div>
          <div className="card">
            <PromptInput label="What to paint there" rows={3} value={prompt} onChange={setPrompt} error={err("prompt")} testId="inpaint-prompt" placeholder="empty: the panel's description" />
            <Field label={`Change: ${Math.round(strength * 100)}%`} error={err("strength")}>
              {(p) => <input {...p} type="range" min={0.05} max={1} step={0.05} value={strength} onChange={(e) => setStrength(Number(e.target.value))} />}
            </Field>
            <Field label="Grow mask (px)" error={err("grow")}>
              {(p) => <input {...p} type="number" min={0} max={512} value={grow} onChange={(e) => setGrow(Number(e.target.value))} />}
            </Field>
            <Field label="Feather edge (px)" error={err("feather")}>
              {(p) => <input {...p} type="number" min={0} max={512} value={feather} onChange={(e) => setFeather(Number(e.target.value))} />}
            </Field>
            <Field label="Inpaint candidates" error={err("candidates")}>
              {(p) => <input {...p} type="number" min={1} max={16} value={candidates} onChange={(e) => setCandidates(Number(e.target.value) || 1)} />}
            </Field>
            <button
              type="button"
              className="primary"
              disabled={!maskPainted || running || inpaint.isPending}
              onClick={() => inpaint.mutate()}
              data-testid="inpaint"
            >
              Inpaint
            </button>
            <ErrorMessage error={inpaint.error} fields={["prompt", "strength", "grow", "feather", "candidates"]} />
          </div>
        </div>
      ) : (
        <div className="grid2">
          <div className="outpaint-preview" style={{ aspectRatio: `${picked.width + sides.left + sides.right} / ${picked.height + sides.top + sides.bottom}` }}>
            <img
              src={picked.url}
              alt="Picked picture"
              style={{
                left: `${(sides.left / (picked.width + sides.left + sides.right)) * 100}%`,
                top: `${(sides.top / (picked.height + sides.top + sides.bottom)) * 100}%`,
                width: `${(picked.width / (picked.width + sides.left + sides.right)) * 100}%`,
              }}
            />
          </div>
          <div className="card">
            <fieldset>
              <legend>Pixels to add on each side</legend>
              <div className="grid2">
                {(["top", "bottom", "left", "right"] as Side[]).map((side) => (
                  <Field key={side} label={`Add ${side} (px)`} error={err(`outpaint.${side}`)}>
                    {(p) => (
                      <input
                        {...p}
                        type="number"
                        min={0}
                        max={4096}
                        step={8}
                        value={sides[side]}
                        onChange={(e) => setSides({ ...sides, [side]: Number(e.target.value) || 0 })}
                        data-testid={`outpaint-${side}`}
                      />
                    )}
                  </Field>
                ))}
              </div>
            </fieldset>
            <PromptInput label="What to paint in the new area" rows={3} value={prompt} onChange={setPrompt} error={err("prompt")} placeholder="empty: the panel's description" />
            <Field label="Outpaint candidates" error={err("candidates")}>
              {(p) => <input {...p} type="number" min={1} max={16} value={candidates} onChange={(e) => setCandidates(Number(e.target.value) || 1)} />}
            </Field>
            <button
              type="button"
              className="primary"
              disabled={!outpaintTotal || running || generate.isPending}
              onClick={() =>
                generate.mutate({ mode: "outpaint", source_image_id: picked.id, outpaint: sides, prompt: prompt || null, candidates })
              }
              data-testid="outpaint"
            >
              Outpaint
            </button>
            <ErrorMessage error={generate.error} fields={["prompt", "candidates", "outpaint"]} />
          </div>
        </div>
      )}
      {job && <JobProgressView job={job} progress={progress} label="Editing" />}
      <CandidateGrid panel={panel} jobId={job?.id ?? null} />
    </div>
  );
}
