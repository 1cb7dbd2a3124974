import type { components } from "../../api/schema";

export type Epoch = components["schemas"]["EpochOut"];

export interface EpochGridProps {
  rows: string[];
  epochs: Epoch[];
  picking: number | null;
  onPick: (epoch: number) => void;
}

const ROW_TEXT: Record<string, string> = { alone: "The character alone", "comic style": "In the comic's style" };

/** The test grid: one column per saved epoch, one row per prompt, same seed everywhere, so the author sees
 * where the likeness arrives and where it starts to overfit, and picks that epoch's LoRA. */
export function EpochGrid({ rows, epochs, picking, onPick }: EpochGridProps) {
  if (!epochs.length) return <p className="muted">No epoch is saved yet.</p>;
  return (
    <div className="epoch-grid-frame">
      <table className="epoch-grid" data-testid="epoch-grid">
        <caption className="visually-hidden">Test pictures of each saved epoch</caption>
        <thead>
          <tr>
            <th scope="col">Prompt</th>
            {epochs.map((epoch) => (
              <th key={epoch.epoch} scope="col" className={epoch.picked ? "picked" : ""}>
                Epoch {epoch.epoch}
                <small className="muted"> · step {epoch.step}</small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((label, row) => (
            <tr key={label}>
              <th scope="row">{ROW_TEXT[label] ?? `In ${label} style`}</th>
              {epochs.map((epoch) => {
                const picture = epoch.grid.find((p) => p.row === row);
                return (
                  <td key={epoch.epoch}>
                    {picture ? (
                      <img src={picture.url} alt={`Epoch ${epoch.epoch}: ${label}`} data-testid="grid-picture" />
                    ) : (
                      <span className="muted">drawing…</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr>
            <th scope="row">Keep</th>
            {epochs.map((epoch) => (
              <td key={epoch.epoch}>
                <button
                  type="button"
                  className={epoch.picked ? "" : "primary"}
                  disabled={epoch.picked || picking != null}
                  onClick={() => onPick(epoch.epoch)}
                  data-testid={`pick-epoch-${epoch.epoch}`}
                >
                  {epoch.picked ? "Picked" : picking === epoch.epoch ? "Picking…" : `Use epoch ${epoch.epoch}`}
                </button>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
