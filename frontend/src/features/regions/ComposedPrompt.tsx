import { useComposed } from "../../api/queries";
import { ErrorMessage } from "../../components/ui";
import { describeBox, type Box } from "./regions";

type Composed = NonNullable<ReturnType<typeof useComposed>["data"]>;

/** What generating the panel sends: the shared scene, each character's region prompt, references and LoRAs. */
export function ComposedPrompt({ panelId }: { panelId: number }) {
  const composed = useComposed(panelId);
  return (
    <section className="card composed" aria-label="Composed prompt" data-testid="composed-prompt">
      <h3>Composed prompt</h3>
      {composed.isPending && <p className="muted">Composing…</p>}
      <ErrorMessage error={composed.error} />
      {composed.data && <ComposedView composed={composed.data} />}
    </section>
  );
}

export function ComposedView({ composed }: { composed: Composed }) {
  return (
    <>
      <dl className="composed-parts">
        <dt>{composed.regions.length ? "Shared scene (everywhere)" : "Prompt"}</dt>
        <dd data-testid="composed-base">{composed.prompt}</dd>
        {composed.negative_prompt && (
          <>
            <dt>Negative prompt</dt>
            <dd>{composed.negative_prompt}</dd>
          </>
        )}
        {composed.regions.map((region) => (
          <Part key={region.character} label={`${region.character} (${describeBox(region.box as Box)}${region.masked ? ", painted mask" : ""})`}>
            {region.prompt}
          </Part>
        ))}
      </dl>
      {composed.references.length > 0 && (
        <div className="composed-references">
          <h4>Reference images</h4>
          {composed.references.map((ref) => (
            <div key={ref.character} className="row" data-testid={`composed-reference-${ref.character}`}>
              <strong>{ref.character}</strong>
              <span>
                strength {Math.round(ref.strength * 100)}%, {ref.focus === "face" ? "face only" : "face and clothes"}
                {ref.region != null ? ", in their region" : ""}
              </span>
              <span className="thumbs small">
                {ref.images.map((image) => (
                  <img key={image.id} src={image.url} alt={`${ref.character} reference ${image.name}`} />
                ))}
              </span>
            </div>
          ))}
        </div>
      )}
      {composed.loras.length > 0 && (
        <p>
          LoRAs: {composed.loras.map((lora) => `${lora.name} (${lora.strength_model ?? 1})`).join(", ")}
        </p>
      )}
      <p className="muted">
        {composed.width}×{composed.height} px, seed {composed.seed}
        {composed.fix_faces ? ", faces fixed after drawing" : ""}
      </p>
    </>
  );
}

function Part({ label, children }: { label: string; children: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}
