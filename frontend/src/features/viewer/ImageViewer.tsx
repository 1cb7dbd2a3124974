import { useCallback, useEffect, useState, type KeyboardEvent } from "react";
import { Dialog as RadixDialog } from "radix-ui";
import { ChevronLeft, ChevronRight, Columns2, Maximize, Minus, Plus, X } from "lucide-react";
import type { Image } from "../../api/client";
import { IconButton } from "../../components/ui";
import { ImageSettings } from "./ImageSettings";
import { ZoomPane } from "./ZoomPane";
import { centred, fitView, zoomAt, type Size, type View } from "./zoom";

type Settings = NonNullable<Image["settings"]>;

/**
 * Candidates full size: zoom (wheel, pinch, buttons, fit or 100%) and pan, the arrow keys step
 * through them, "Compare" shows two side by side moving together, Escape closes. Beside the
 * picture: its final prompt and settings, with "Reuse these settings" when ``onReuse`` is given.
 */
export function ImageViewer({
  images,
  index,
  onIndexChange,
  onClose,
  label = (_image, i) => `Candidate ${i + 1}`,
  onReuse,
}: {
  images: Image[];
  index: number | null;
  onIndexChange: (index: number) => void;
  onClose: () => void;
  label?: (image: Image, index: number) => string;
  onReuse?: (settings: Settings, image: Image) => Promise<unknown>;
}) {
  const open = index != null && images.length > 0;
  const i = open ? Math.min(index, images.length - 1) : 0;
  const image = images[i];
  const [view, setView] = useState<View | null>(null);
  const [pane, setPane] = useState<Size>({ width: 0, height: 0 });
  const [compareWith, setCompareWith] = useState<number | null>(null);
  const picture = image ? { width: image.width, height: image.height } : { width: 0, height: 0 };
  const shown = view ?? fitView(picture, pane);

  useEffect(() => {
    if (!open) {
      setView(null);
      setCompareWith(null);
    }
  }, [open]);

  const step = useCallback(
    (by: number) => {
      const next = (i + by + images.length) % images.length;
      const { width, height } = images[next];
      if (width !== image.width || height !== image.height) setView(null); // other size: fit it
      if (next === compareWith) setCompareWith(i); // stepping onto the compared one swaps the two
      onIndexChange(next);
    },
    [i, images, image, onIndexChange, compareWith],
  );
  const zoom = (factor: number) => setView(zoomAt(shown, factor, pane.width / 2, pane.height / 2));
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest("input, select, textarea")) return;
    const actions: Record<string, () => void> = {
      ArrowLeft: () => step(-1),
      ArrowRight: () => step(1),
      "+": () => zoom(1.25),
      "=": () => zoom(1.25),
      "-": () => zoom(0.8),
      "0": () => setView(null),
      "1": () => setView(centred(picture, pane, 1)),
    };
    const action = actions[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };
  const other = compareWith != null && compareWith !== i ? images[compareWith] : null;
  const toggleCompare = () => setCompareWith(compareWith == null ? (i + 1) % images.length : null);

  return (
    <RadixDialog.Root open={open} onOpenChange={(o) => !o && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="viewer-overlay" />
        <RadixDialog.Content
          className="viewer"
          onKeyDown={onKeyDown}
          // Focus the viewer itself, not its first button (whose tooltip would open and take the first Escape).
          onOpenAutoFocus={(e) => {
            e.preventDefault();
            (e.currentTarget as HTMLElement | null)?.focus();
          }}
          data-testid="image-viewer"
          aria-describedby={undefined}
        >
          {image && (
            <>
              <div className="viewer-toolbar" role="toolbar" aria-label="Viewer">
                <RadixDialog.Title className="viewer-title">
                  {label(image, i)} <span className="muted">of {images.length}</span>
                </RadixDialog.Title>
                <span className="spacer" />
                <IconButton label="Previous candidate" icon={<ChevronLeft size={18} aria-hidden />} onClick={() => step(-1)} disabled={images.length < 2} />
                <IconButton label="Next candidate" icon={<ChevronRight size={18} aria-hidden />} onClick={() => step(1)} disabled={images.length < 2} />
                <span className="toolbar-gap" />
                <IconButton label="Zoom out" icon={<Minus size={18} aria-hidden />} onClick={() => zoom(0.8)} />
                <output className="zoom-readout" aria-label="Zoom" data-testid="zoom-level">
                  {Math.round(shown.scale * 100)}%
                </output>
                <IconButton label="Zoom in" icon={<Plus size={18} aria-hidden />} onClick={() => zoom(1.25)} />
                <IconButton label="Fit to the window" icon={<Maximize size={18} aria-hidden />} onClick={() => setView(null)} />
                <button type="button" className="small" onClick={() => setView(centred(picture, pane, 1))}>
                  100%
                </button>
                <span className="toolbar-gap" />
                <IconButton
                  label="Compare side by side"
                  icon={<Columns2 size={18} aria-hidden />}
                  aria-pressed={compareWith != null}
                  onClick={toggleCompare}
                  disabled={images.length < 2}
                />
                <RadixDialog.Close asChild>
                  <IconButton label="Close the viewer" icon={<X size={18} aria-hidden />} />
                </RadixDialog.Close>
              </div>
              <div className={`viewer-body ${other ? "comparing" : ""}`}>
                <div className="viewer-panes">
                  <figure className="viewer-figure">
                    <ZoomPane src={image.url} alt={`${label(image, i)} (seed ${image.seed})`} picture={picture} view={shown} onView={setView} onPaneSize={setPane} testId="viewer-pane" />
                    {other && <figcaption>{label(image, i)}</figcaption>}
                  </figure>
                  {other && compareWith != null && (
                    <figure className="viewer-figure">
                      <ZoomPane src={other.url} alt={`${label(other, compareWith)} (seed ${other.seed})`} picture={{ width: other.width, height: other.height }} view={shown} onView={setView} testId="viewer-compare-pane" />
                      <figcaption>
                        <label className="inline">
                          Compare with{" "}
                          <select value={compareWith} onChange={(e) => setCompareWith(Number(e.target.value))} aria-label="Compare with">
                            {images.map((candidate, n) =>
                              n === i ? null : (
                                <option key={candidate.id} value={n}>
                                  {label(candidate, n)}
                                </option>
                              ),
                            )}
                          </select>
                        </label>
                      </figcaption>
                    </figure>
                  )}
                </div>
                <aside className="viewer-info" aria-label="How it was made">
                  <ImageSettings key={image.id} settings={image.settings} onReuse={onReuse && ((s) => onReuse(s, image))} />
                </aside>
              </div>
            </>
          )}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
