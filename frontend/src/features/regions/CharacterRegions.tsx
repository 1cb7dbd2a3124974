import type { Panel } from "../../api/client";
import { useComposed } from "../../api/queries";
import type { Size } from "../../lib/geometry";
import { RegionEditor } from "./RegionEditor";
import type { Box, RegionValue } from "./regions";

/** The region boxes of a panel with two or more characters, placed as the composed request places them. */
export function CharacterRegions({
  panel,
  present,
  size,
  error,
  onChange,
}: {
  panel: Panel;
  present: string[];
  size: Size;
  error?: string;
  onChange: (regions: RegionValue[]) => void;
}) {
  const composed = useComposed(panel.id);
  if (present.length < 2) {
    return (
      <section className="card" aria-label="Where each character stands">
        <h3>Characters' places</h3>
        <p className="muted">With two or more characters in the panel, each gets a box of its own here.</p>
      </section>
    );
  }
  const boxes = (composed.data?.regions ?? []).map((r) => ({ character: r.character, box: r.box as Box }));
  return (
    <section className="card" aria-label="Characters' places">
      <h3>Characters' places</h3>
      <p className="muted">Each character's look applies inside their box only; the scene applies everywhere.</p>
      {boxes.length >= 2 && (
        <RegionEditor
          boxes={boxes}
          width={size.width}
          height={size.height}
          background={panel.picked_image?.url ?? panel.sketch?.url}
          onChange={onChange}
        />
      )}
      {error && (
        <small className="error" role="alert">
          {error}
        </small>
      )}
    </section>
  );
}
