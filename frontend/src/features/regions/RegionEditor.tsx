import { Fragment, useEffect, useRef, useState } from "react";
import type Konva from "konva";
import { Image as KonvaImage, Layer, Rect, Stage, Text, Transformer } from "react-konva";
import { useHtmlImage } from "../../lib/hooks";
import { boxFromPixels, boxToPixels, describeBox, presetRegions, presetsFor, withBox, type CharacterBox, type RegionValue } from "./regions";

const COLOURS = ["#d9480f", "#1971c2", "#2f9e44", "#9c36b5", "#e8590c", "#0c8599", "#5c940d", "#c2255c"];

export interface RegionEditorProps {
  /** Each character's current box (from the panel's composed request), in the panel's order. */
  boxes: CharacterBox[];
  /** The picture's size in pixels (the boxes are fractions of it). */
  width: number;
  height: number;
  /** A picture to place the boxes over (the picked candidate or the sketch). */
  background?: string | null;
  onChange: (regions: RegionValue[]) => void;
  maxDisplayWidth?: number;
  maxDisplayHeight?: number;
}

/** One labelled box per character over the panel: drag to move, pull the handles to resize, or use a preset. */
export function RegionEditor({ boxes, width, height, background, onChange, maxDisplayWidth = 520, maxDisplayHeight = 360 }: RegionEditorProps) {
  const scale = Math.min(maxDisplayWidth / width, maxDisplayHeight / height);
  const shown = { width: Math.round(width * scale), height: Math.round(height * scale) };
  const [local, setLocal] = useState(boxes);
  const known = JSON.stringify(boxes);
  useEffect(() => setLocal(boxes), [known]); // eslint-disable-line react-hooks/exhaustive-deps
  const [selected, setSelected] = useState<string | null>(null);
  const shapes = useRef<Record<string, Konva.Rect | null>>({});
  const labels = useRef<Record<string, Konva.Text | null>>({});
  const follow = (character: string, node: Konva.Node) => labels.current[character]?.position({ x: node.x() + 6, y: node.y() + 6 });
  const transformer = useRef<Konva.Transformer>(null);
  const image = useHtmlImage(background);

  useEffect(() => {
    const node = selected ? shapes.current[selected] : null;
    transformer.current?.nodes(node ? [node] : []);
    transformer.current?.getLayer()?.batchDraw();
  }, [selected, local]);

  const commit = (character: string, node: Konva.Node) => {
    const rect = { x: node.x(), y: node.y(), width: node.width() * node.scaleX(), height: node.height() * node.scaleY() };
    node.scaleX(1);
    node.scaleY(1);
    const next = withBox(local, character, boxFromPixels(rect, shown));
    setLocal(next);
    onChange(next.map(({ character, box }) => ({ character, box })));
  };

  return (
    <section className="region-editor" aria-label="Where each character stands">
      <div className="row">
        {presetsFor(local.length).map((preset) => (
          <button
            key={preset.label}
            type="button"
            onClick={() => onChange(presetRegions(local.map((b) => b.character), preset.places))}
            data-testid={`region-preset-${preset.places[0]}`}
          >
            {preset.label}
          </button>
        ))}
      </div>
      <div
        className="canvas-frame"
        style={{ width: shown.width, height: shown.height }}
        role="img"
        aria-label="Character regions: drag a box to move it, click it and pull its handles to resize it"
        data-testid="region-canvas"
        data-width={shown.width}
        data-height={shown.height}
      >
        <Stage width={shown.width} height={shown.height} onMouseDown={(e) => e.target === e.target.getStage() && setSelected(null)}>
          <Layer>
            <Rect width={shown.width} height={shown.height} fill="#f1f3f5" listening={false} />
            {image && <KonvaImage image={image} width={shown.width} height={shown.height} opacity={0.7} listening={false} />}
            {local.map((b, index) => {
              const rect = boxToPixels(b.box, shown);
              const colour = COLOURS[index % COLOURS.length];
              return (
                <Fragment key={b.character}>
                  <Rect
                    ref={(node) => {
                      shapes.current[b.character] = node;
                    }}
                    {...rect}
                    stroke={colour}
                    strokeWidth={2}
                    fill={`${colour}22`}
                    draggable
                    onMouseDown={() => setSelected(b.character)}
                    onTap={() => setSelected(b.character)}
                    onDragMove={(e) => follow(b.character, e.target)}
                    onTransform={(e) => follow(b.character, e.target)}
                    onDragEnd={(e) => commit(b.character, e.target)}
                    onTransformEnd={(e) => commit(b.character, e.target)}
                  />
                  <Text
                    ref={(node) => {
                      labels.current[b.character] = node;
                    }}
                    x={rect.x + 6} y={rect.y + 6} text={b.character} fontSize={14} fontStyle="bold" fill={colour} listening={false} />
                </Fragment>
              );
            })}
            <Transformer
              ref={transformer}
              rotateEnabled={false}
              keepRatio={false}
              boundBoxFunc={(old, box) => (box.width < 12 || box.height < 12 ? old : box)}
            />
          </Layer>
        </Stage>
      </div>
      <ul className="region-list">
        {local.map((b, index) => (
          <li key={b.character} data-testid={`region-${b.character}`}>
            <span className="swatch" style={{ background: COLOURS[index % COLOURS.length] }} /> <strong>{b.character}</strong>: {describeBox(b.box)}
          </li>
        ))}
      </ul>
    </section>
  );
}
