import { useImperativeHandle, type Ref } from "react";
import { Image as KonvaImage, Layer, Path, Rect, Stage } from "react-konva";
import { canRedo, canUndo } from "../../lib/history";
import { strokePath, type Stroke } from "../../lib/strokes";
import { useHtmlImage, useWidth } from "../../lib/hooks";
import { useStrokeDrawing } from "./useStrokeDrawing";

export interface StrokeCanvasHandle {
  /** The drawing as PNG at picture size: sketch black on white, mask white (repaint) on black. */
  exportPng(): Promise<Blob>;
  hasStrokes(): boolean;
  /** Forget strokes and their undo history (after they were uploaded). */
  reset(): void;
}

export function StrokeCanvas({
  kind,
  width,
  height,
  background,
  draftKey,
  testId,
  ref,
  onDirtyChange,
  maxDisplayHeight = 560,
}: {
  kind: "sketch" | "mask";
  width: number;
  height: number;
  background?: string | null;
  draftKey: string;
  testId: string;
  ref?: Ref<StrokeCanvasHandle>;
  onDirtyChange?: (dirty: boolean) => void;
  maxDisplayHeight?: number;
}) {
  const [box, boxWidth] = useWidth<HTMLDivElement>();
  const image = useHtmlImage(background);
  const scale = Math.min(boxWidth / width, maxDisplayHeight / height, 1.5);
  const pad = useStrokeDrawing({ kind, width, draftKey, onDirtyChange, toPicture: (p) => ({ x: p.x / scale, y: p.y / scale }) });
  const { history, state, tool, setTool, size, setSize, commit, undo: doUndo, redo: doRedo } = pad;

  useImperativeHandle(ref, () => ({
    hasStrokes: () => history.present.strokes.some((s) => s.mode === "draw"),
    reset: pad.reset,
    exportPng: () => exportPng(kind, width, height, kind === "sketch" && !history.present.hideBackground ? image : null, history.present.strokes),
  }));

  const shown = pad.shown;
  const ink = kind === "mask" ? "#ff2d55" : "#000000";
  const label = kind === "mask" ? "Mask" : "Sketch";
  return (
    <div className="stroke-canvas" ref={box}>
      <div className="toolbar" role="toolbar" aria-label={`${label} tools`}>
        <button type="button" aria-pressed={tool === "draw"} onClick={() => setTool("draw")} data-testid={`${testId}-pen`}>
          {kind === "mask" ? "Brush" : "Pen"}
        </button>
        <button type="button" aria-pressed={tool === "erase"} onClick={() => setTool("erase")} data-testid={`${testId}-eraser`}>
          Eraser
        </button>
        <label className="inline">
          Size
          <input
            type="range"
            min={2}
            max={Math.round(width / 4)}
            value={size}
            onChange={(e) => setSize(Number(e.target.value))}
            aria-label={`${label} brush size`}
          />
        </label>
        <button type="button" onClick={doUndo} disabled={!canUndo(history)} aria-label={`Undo ${label.toLowerCase()} stroke`} title="Undo (Ctrl+Z)" data-testid={`${testId}-undo`}>
          Undo
        </button>
        <button type="button" onClick={doRedo} disabled={!canRedo(history)} aria-label={`Redo ${label.toLowerCase()} stroke`} title="Redo (Ctrl+Shift+Z)" data-testid={`${testId}-redo`}>
          Redo
        </button>
        <button
          type="button"
          onClick={() => commit({ strokes: [], hideBackground: kind === "sketch" && Boolean(background) })}
          disabled={!state.strokes.length && (kind === "mask" || !background || state.hideBackground)}
          aria-label={`Clear ${label.toLowerCase()}`}
          data-testid={`${testId}-clear`}
        >
          Clear
        </button>
      </div>
      <div
        className="canvas-frame"
        style={{ width: width * scale, height: height * scale, touchAction: "none" }}
        data-testid={testId}
        data-strokes={state.strokes.length}
        aria-label={`${label} canvas: draw with the mouse, a pen or a finger`}
        role="img"
      >
        <Stage
          width={width * scale}
          height={height * scale}
          {...pad.handlers}
          style={{ cursor: "crosshair" }}
        >
          <Layer scaleX={scale} scaleY={scale} listening={true}>
            <Rect width={width} height={height} fill="#ffffff" />
            {image && !(kind === "sketch" && state.hideBackground) && <KonvaImage image={image} width={width} height={height} />}
          </Layer>
          <Layer scaleX={scale} scaleY={scale} opacity={kind === "mask" ? 0.55 : 1} listening={false}>
            {shown.map((stroke, i) => (
              <Path
                key={i}
                data={strokePath(stroke)}
                fill={stroke.mode === "draw" ? ink : kind === "mask" ? "#000" : "#ffffff"}
                globalCompositeOperation={stroke.mode === "erase" && kind === "mask" ? "destination-out" : "source-over"}
              />
            ))}
          </Layer>
        </Stage>
      </div>
    </div>
  );
}

/** Draw the strokes onto a canvas at picture size and encode it as PNG. */
export function exportPng(
  kind: "sketch" | "mask",
  width: number,
  height: number,
  background: HTMLImageElement | null,
  strokes: Stroke[],
): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = kind === "mask" ? "#000000" : "#ffffff";
  ctx.fillRect(0, 0, width, height);
  if (background) ctx.drawImage(background, 0, 0, width, height);
  for (const stroke of strokes) {
    const ink = kind === "mask" ? "#ffffff" : "#000000";
    const paper = kind === "mask" ? "#000000" : "#ffffff";
    ctx.fillStyle = stroke.mode === "draw" ? ink : paper;
    ctx.fill(new Path2D(strokePath(stroke)));
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("could not encode the PNG"))), "image/png"),
  );
}
