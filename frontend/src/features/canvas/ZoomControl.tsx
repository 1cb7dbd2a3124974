// The panel canvas's zoom buttons: zoom out, the zoom in percent (click: fit the picture), zoom in.
import { Minus, Plus } from "lucide-react";
import { IconButton, Tooltip } from "../../components/ui";
import { MAX_ZOOM, MIN_ZOOM } from "./viewport";

/** Zoom out, the zoom shown in percent (a click fits the picture again), zoom in; with their keys in tooltips. */
export function ZoomControl({ zoom, onZoomIn, onZoomOut, onFit }: { zoom: number; onZoomIn: () => void; onZoomOut: () => void; onFit: () => void }) {
  const percent = Math.round(zoom * 100);
  return (
    <div className="zoom-control" role="group" aria-label="Zoom">
      <IconButton label="Zoom out" tooltip="Zoom out (-)" icon={<Minus size={16} aria-hidden />} onClick={onZoomOut} disabled={zoom <= MIN_ZOOM + 1e-6} data-testid="zoom-out" />
      <Tooltip content="Fit the picture (0) · 100 % (1) · pan: space + drag, middle button or scroll · zoom: ctrl + wheel or pinch">
        <button type="button" className="zoom-readout" aria-label={`Zoom ${percent} %, fit the picture`} onClick={onFit} data-testid="zoom-fit">
          {percent}%
        </button>
      </Tooltip>
      <IconButton label="Zoom in" tooltip="Zoom in (+)" icon={<Plus size={16} aria-hidden />} onClick={onZoomIn} disabled={zoom >= MAX_ZOOM - 1e-6} data-testid="zoom-in" />
    </div>
  );
}
