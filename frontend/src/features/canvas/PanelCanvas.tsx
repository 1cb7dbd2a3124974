// One canvas per panel: the picked picture, the inpaint mask, the outpaint frame and the lettering as
// layers of one view, with a layer panel; the active layer takes the pointer and shows its tools. The
// lettering sits over the part of the picture its frame shows (all of it in a strip; the page frame's window
// in a page layout, the rest dimmed), drawn as the export draws it. All layers share one zoom and pan (see
// useViewport): the tools work in the layout's coordinates, which the stage transform maps to the screen.
import { useRef, useState } from "react";
import { Circle, Group, Image as KonvaImage, Layer, Path, Rect, Stage } from "react-konva";
import type Konva from "konva";
import { canRedo, canUndo } from "../../lib/history";
import { fitScale, type Point } from "../../lib/geometry";
import { useHtmlImage, useWidth } from "../../lib/hooks";
import { strokePath } from "../../lib/strokes";
import { exportPng } from "../sketch/StrokeCanvas";
import { useStrokeDrawing } from "../sketch/useStrokeDrawing";
import { InpaintSettings, OutpaintSettings } from "../inpaint/EditSettings";
import { JobProgressView } from "../jobs/JobProgressView";
import { CandidateGrid, type GenerateProps } from "../panels/GenerateSection";
import { LetteringLayer } from "../lettering/LetteringLayer";
import { InPlaceText, LetteringSidebar, LetteringToolbar } from "../lettering/LetteringTools";
import { useLettering } from "../lettering/useLettering";
import { LAYERS, LayerPanel, type LayerId } from "./LayerPanel";
import { OutpaintBox } from "./OutpaintBox";
import { NO_SIDES, REACH, type Sides } from "./outpaintFrame";
import { useViewport } from "./useViewport";
import { toScreen, toView } from "./viewport";
import { ZoomControl } from "./ZoomControl";

const VIEW_HEIGHT = 640;
const ALL_SHOWN: Record<LayerId, boolean> = { lettering: true, outpaint: true, mask: true, picture: true };

export function PanelCanvas({ layer = "lettering", ...props }: GenerateProps & { layer?: LayerId }) {
  const { panel, job, progress } = props;
  const picked = panel.picked_image;
  const l = useLettering(panel);
  const [active, setActive] = useState<LayerId>(layer);
  const [visible, setVisible] = useState(ALL_SHOWN);
  const [sides, setSides] = useState<Sides>(NO_SIDES);
  const [maskPainted, setMaskPainted] = useState(false);
  const [showExport, setShowExport] = useState(false);
  const [box, boxWidth] = useWidth<HTMLDivElement>();
  const image = useHtmlImage(picked?.url);
  const picture = { width: picked?.width ?? 1, height: picked?.height ?? 1 };
  // Room around the picture for the outpaint frame (and tails toward speakers off the panel).
  const room = { width: picture.width * (1 + 2 * REACH), height: picture.height * (1 + 2 * REACH) };
  const scale = fitScale(room, { width: Math.max(160, boxWidth), height: VIEW_HEIGHT }, 4);
  const origin = { x: REACH * picture.width * scale, y: REACH * picture.height * scale };
  const view = { width: room.width * scale, height: room.height * scale };
  const viewport = useViewport({ base: scale, size: view, resetKey: picked?.id, onPinch: () => mask.cancel() });
  // A screen position on the stage, in picture pixels: through the zoom and pan, then the layout.
  const toPicture = (p: Point) => {
    const at = toView(viewport.view, p);
    return { x: (at.x - origin.x) / scale, y: (at.y - origin.y) / scale };
  };
  const mask = useStrokeDrawing({
    kind: "mask",
    width: picture.width,
    draftKey: `mask:${picked?.id ?? 0}`,
    onDirtyChange: setMaskPainted,
    enabled: active === "mask",
    toPicture,
  });
  const brush = useBrushCursor(toPicture);
  const crop = l.frame?.crop ?? [0, 0, 1, 1];
  const frameOrigin = { x: origin.x + crop[0] * picture.width * scale, y: origin.y + crop[1] * picture.height * scale };
  const frameSize = { width: (crop[2] - crop[0]) * picture.width * scale, height: (crop[3] - crop[1]) * picture.height * scale };
  const stage = l.stage(frameSize);
  if (!picked) return <p>Pick a candidate under “Generate” first: the canvas works on the picked picture.</p>;
  const label = LAYERS.find((x) => x.id === active)!.label;

  return (
    <div className="panel-canvas">
      <div className="canvas-view" ref={box} onKeyDown={active === "lettering" ? stage.onKeyDown : undefined}>
        {active === "lettering" && <LetteringToolbar l={l} showExport={showExport} onShowExport={setShowExport} />}
        {active === "lettering" && showExport && (
          <img className="lettered" src={`/api/panels/${panel.id}/lettered?v=${l.lettering.dataUpdatedAt}`} alt="The panel as it will be exported, with lettering" data-testid="lettered-image" />
        )}
        {active === "mask" && (
          <div className="toolbar" role="toolbar" aria-label="Mask tools">
            <button type="button" aria-pressed={mask.tool === "draw"} onClick={() => mask.setTool("draw")} data-testid="mask-canvas-pen">
              Brush
            </button>
            <button type="button" aria-pressed={mask.tool === "erase"} onClick={() => mask.setTool("erase")} data-testid="mask-canvas-eraser">
              Eraser
            </button>
            <label className="inline">
              Size
              <input type="range" min={2} max={Math.round(picture.width / 4)} value={mask.size} onChange={(e) => mask.setSize(Number(e.target.value))} aria-label="Mask brush size" />
            </label>
            <button type="button" onClick={mask.undo} disabled={!canUndo(mask.history)} aria-label="Undo mask stroke">
              Undo
            </button>
            <button type="button" onClick={mask.redo} disabled={!canRedo(mask.history)} aria-label="Redo mask stroke">
              Redo
            </button>
            <button type="button" onClick={() => mask.commit({ strokes: [], hideBackground: false })} disabled={!mask.state.strokes.length} aria-label="Clear mask">
              Clear
            </button>
          </div>
        )}
        <div
          className="canvas-frame"
          hidden={active === "lettering" && showExport}
          style={{ width: view.width, height: view.height, position: "relative", touchAction: "none", overflow: "hidden" }}
          ref={viewport.frame}
          {...viewport.handlers}
          tabIndex={0}
          role="application"
          aria-label={`Panel canvas, working on the ${label.toLowerCase()} layer`}
          data-testid={active === "mask" ? "mask-canvas" : active === "lettering" ? "lettering-canvas" : "panel-canvas"}
          data-layer={active}
          data-fonts={l.fontsLoaded ? "loaded" : "loading"}
          data-strokes={mask.state.strokes.length}
          data-zoom={viewport.zoom.toFixed(4)}
          data-panning={viewport.panning || undefined}
        >
          <Stage
            width={view.width}
            height={view.height}
            scaleX={viewport.view.scale}
            scaleY={viewport.view.scale}
            x={viewport.view.x}
            y={viewport.view.y}
            {...(active === "mask" ? mask.handlers : {})}
            onPointerDown={(e) => {
              if (active === "mask") return mask.handlers.onPointerDown(e);
              if (e.evt.button > 0) return;
              if (active === "lettering" && (e.target === e.target.getStage() || e.target.name() === "picture")) l.setSelectedId(null);
            }}
            onPointerMove={(e) => {
              if (active !== "mask") return;
              mask.handlers.onPointerMove(e);
              brush.move(e);
            }}
            onPointerLeave={() => {
              if (active !== "mask") return;
              mask.handlers.onPointerLeave();
              brush.hide();
            }}
            style={{ cursor: viewport.panning ? (viewport.dragging ? "grabbing" : "grab") : active === "mask" ? "crosshair" : "default" }}
          >
            <Layer name="picture-layer" visible={visible.picture} listening={false}>
              <Rect width={view.width} height={view.height} fill="#e7e5e4" name="picture" />
              {image && <KonvaImage image={image} {...origin} width={picture.width * scale} height={picture.height * scale} name="picture" />}
              {l.frame?.framed && <FrameShade picture={{ ...origin, width: picture.width * scale, height: picture.height * scale }} origin={frameOrigin} size={frameSize} />}
            </Layer>
            <Layer name="mask-layer" visible={visible.mask} listening={false} opacity={0.55}>
              <Group {...origin} scaleX={scale} scaleY={scale} clipX={0} clipY={0} clipWidth={picture.width} clipHeight={picture.height}>
                {mask.shown.map((stroke, i) => (
                  <Path key={i} data={strokePath(stroke)} fill="#ff2d55" globalCompositeOperation={stroke.mode === "erase" ? "destination-out" : "source-over"} />
                ))}
              </Group>
            </Layer>
            <Layer name="brush-cursor-layer" listening={false} visible={active === "mask" && !viewport.panning}>
              {/* In picture pixels like the strokes: the circle is the brush's painted size at any zoom. */}
              <Group {...origin} scaleX={scale} scaleY={scale}>
                <Circle ref={brush.ref} radius={mask.size / 2} stroke="#0f172a" strokeWidth={1.5 / (scale * viewport.view.scale)} visible={false} name="brush-cursor" />
              </Group>
            </Layer>
            <Layer name="outpaint-layer" visible={visible.outpaint} listening={active === "outpaint"}>
              <OutpaintBox picture={picture} origin={origin} scale={scale} sides={sides} active={active === "outpaint"} onSides={setSides} />
            </Layer>
            <Layer name="lettering-layer" visible={visible.lettering} listening={active === "lettering"}>
              <LetteringLayer {...stage} selectedId={active === "lettering" ? stage.selectedId : null} origin={frameOrigin} listening={active === "lettering"} viewScale={viewport.view.scale} />
            </Layer>
          </Stage>
          {active === "lettering" && (
            <InPlaceText l={l} size={{ width: frameSize.width * viewport.view.scale, height: frameSize.height * viewport.view.scale }} origin={toScreen(viewport.view, frameOrigin)} />
          )}
          <ZoomControl zoom={viewport.zoom} onZoomIn={viewport.zoomIn} onZoomOut={viewport.zoomOut} onFit={viewport.fit} />
        </div>
      </div>
      <div className="canvas-side">
        <LayerPanel active={active} visible={visible} onActivate={setActive} onToggle={(id) => setVisible((v) => ({ ...v, [id]: !v[id] }))} />
        {active === "lettering" && <LetteringSidebar l={l} />}
        {active === "mask" && (
          <InpaintSettings {...props} maskPainted={maskPainted} exportMask={() => exportPng("mask", picture.width, picture.height, null, mask.state.strokes)} />
        )}
        {active === "outpaint" && <OutpaintSettings {...props} sides={sides} onSides={setSides} />}
        {active === "picture" && <p className="muted card">The picked picture. Pick another under “Generate”, or choose a candidate below.</p>}
      </div>
      <div className="canvas-results">
        {job && <JobProgressView job={job} progress={progress} label="Editing" />}
        <CandidateGrid panel={panel} jobId={job?.id ?? null} />
      </div>
    </div>
  );
}

/** The brush's outline under the pointer, moved without re-rendering the canvas (``toPicture``: screen to picture). */
function useBrushCursor(toPicture: (p: Point) => Point) {
  const ref = useRef<Konva.Circle>(null);
  const move = (e: Konva.KonvaEventObject<PointerEvent>) => {
    const circle = ref.current;
    const at = e.target.getStage()?.getPointerPosition();
    if (!circle || !at) return;
    circle.position(toPicture(at));
    circle.visible(true);
    circle.getLayer()?.batchDraw();
  };
  const hide = () => {
    ref.current?.visible(false);
    ref.current?.getLayer()?.batchDraw();
  };
  return { ref, move, hide };
}

/** Dims the picture outside the page frame's window (what the page does not show). */
function FrameShade({ picture, origin, size }: { picture: { x: number; y: number; width: number; height: number }; origin: { x: number; y: number }; size: { width: number; height: number } }) {
  const shade = "rgba(0, 0, 0, 0.5)";
  const right = picture.x + picture.width;
  const bottom = picture.y + picture.height;
  return (
    <Group listening={false} name="frame-shade">
      <Rect x={picture.x} y={picture.y} width={picture.width} height={origin.y - picture.y} fill={shade} />
      <Rect x={picture.x} y={origin.y + size.height} width={picture.width} height={bottom - origin.y - size.height} fill={shade} />
      <Rect x={picture.x} y={origin.y} width={origin.x - picture.x} height={size.height} fill={shade} />
      <Rect x={origin.x + size.width} y={origin.y} width={right - origin.x - size.width} height={size.height} fill={shade} />
      <Rect {...origin} {...size} stroke="#f8fafc" strokeWidth={1} dash={[6, 4]} />
    </Group>
  );
}
