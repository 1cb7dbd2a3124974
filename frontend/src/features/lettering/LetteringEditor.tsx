import { useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Circle, Group, Image as KonvaImage, Layer, Line, Rect, Stage, Text } from "react-konva";
import type Konva from "konva";
import { api, ok, type Bubble, type BubblePatch, type Lettering, type Panel, type PlacedBubble } from "../../api/client";
import { keys } from "../../api/queries";
import { ErrorMessage, Field, SaveIndicator } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { BUBBLE_KINDS, FONTS, KIND_DEFAULTS, editableBox, newBubble, restack, type Kind } from "../../lib/bubbles";
import {
  HANDLES,
  clampTail,
  fitScale,
  handlePosition,
  moveRect,
  resizeRect,
  toFractions,
  toPixels,
  type Handle,
  type PixelRect,
} from "../../lib/geometry";
import { useHtmlImage, useUndoKeys, useWidth } from "../../lib/hooks";

type Spec = BubblePatch & { kind?: string; text?: string };
interface Edit {
  id: number;
  before: BubblePatch;
  after: BubblePatch;
}

const fontsReady = Promise.all(FONTS.map((f) => document.fonts?.load(`20px "${f}"`).catch(() => null)));

export function LetteringEditor({ panel }: { panel: Panel }) {
  const client = useQueryClient();
  const picked = panel.picked_image;
  const lettering = useQuery({
    queryKey: keys.lettering(panel.id),
    queryFn: async () =>
      (await ok(api.GET("/api/panels/{panel_id}/lettering", { params: { path: { panel_id: panel.id } } }))) as Lettering,
    enabled: Boolean(picked),
    placeholderData: (previous) => previous,
  });
  const bubbles = useMemo(() => [...panel.bubbles].sort((a, b) => a.position - b.position), [panel.bubbles]);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const selected = bubbles.find((b) => b.id === selectedId) ?? null;
  const [edits, setEdits] = useState<{ undo: Edit[]; redo: Edit[] }>({ undo: [], redo: [] });
  const [showExport, setShowExport] = useState(false);
  const [, setFontTick] = useState(0);
  useEffect(() => {
    void fontsReady.then(() => setFontTick((t) => t + 1));
  }, []);

  const listKey = keys.panels(panel.comic_id);
  // The server's layout (outlines, tails, line breaks) after a change; callers return it so that the change
  // counts as saving until the new layout is drawn.
  const refresh = () => client.invalidateQueries({ queryKey: keys.lettering(panel.id) });
  const setBubbles = (update: (list: Bubble[]) => Bubble[]) =>
    client.setQueryData<Panel[]>(listKey, (panels) => panels?.map((p) => (p.id === panel.id ? { ...p, bubbles: update(p.bubbles) } : p)));

  const patch = useMutation({
    mutationFn: ({ id, body }: { id: number; body: BubblePatch }) =>
      ok(api.PATCH("/api/bubbles/{bubble_id}", { params: { path: { bubble_id: id } }, body })),
    onMutate: async ({ id, body }) => {
      await client.cancelQueries({ queryKey: listKey });
      const previous = client.getQueryData<Panel[]>(listKey);
      const { position, ...spec } = body;
      setBubbles((list) => list.map((b) => (b.id === id ? { ...b, position: position ?? b.position, spec: { ...b.spec, ...spec } } : b)));
      return { previous };
    },
    onError: (_e, _v, context) => client.setQueryData(listKey, context?.previous),
    onSuccess: (saved) => setBubbles((list) => list.map((b) => (b.id === saved.id ? saved : b))),
    onSettled: refresh,
  });
  const create = useMutation({
    mutationFn: (body: ReturnType<typeof newBubble>) =>
      ok(api.POST("/api/panels/{panel_id}/bubbles", { params: { path: { panel_id: panel.id } }, body })),
    onSuccess: (bubble) => {
      setBubbles((list) => [...list, bubble]);
      setSelectedId(bubble.id);
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => ok(api.DELETE("/api/bubbles/{bubble_id}", { params: { path: { bubble_id: id } } })),
    onSuccess: (_r, id) => {
      setBubbles((list) => list.filter((b) => b.id !== id));
      setSelectedId(null);
      return refresh();
    },
  });

  /** Change a bubble; ``record`` makes an undo step (before-values taken from the current spec). */
  const change = (bubble: Bubble, body: BubblePatch, record = true) => {
    if (record) {
      const before = Object.fromEntries(Object.keys(body).map((k) => [k, k === "position" ? bubble.position : (bubble.spec[k] ?? null)])) as BubblePatch;
      setEdits((e) => ({ undo: [...e.undo.slice(-99), { id: bubble.id, before, after: body }], redo: [] }));
    }
    patch.mutate({ id: bubble.id, body });
  };
  // Text and font typing: shown at once, PATCHed after a pause, one undo step per pause.
  const typing = useRef<{ id: number; body: BubblePatch; before: BubblePatch; timer: ReturnType<typeof setTimeout> } | null>(null);
  const changeSoon = (bubble: Bubble, body: BubblePatch) => {
    const pending = typing.current;
    if (pending && pending.id !== bubble.id) flushTyping();
    const current = typing.current;
    const before =
      current?.before ??
      (Object.fromEntries(Object.keys(body).map((k) => [k, bubble.spec[k] ?? null])) as BubblePatch);
    if (current) clearTimeout(current.timer);
    setBubbles((list) => list.map((b) => (b.id === bubble.id ? { ...b, spec: { ...b.spec, ...body } } : b)));
    typing.current = { id: bubble.id, body: { ...(current?.body ?? {}), ...body }, before: { ...before, ...Object.fromEntries(Object.keys(body).filter((k) => !(k in before)).map((k) => [k, bubble.spec[k] ?? null])) }, timer: setTimeout(flushTyping, 600) };
  };
  const flushTyping = () => {
    const pending = typing.current;
    if (!pending) return;
    clearTimeout(pending.timer);
    typing.current = null;
    setEdits((e) => ({ undo: [...e.undo, { id: pending.id, before: pending.before, after: pending.body }], redo: [] }));
    patch.mutate({ id: pending.id, body: pending.body });
  };
  useEffect(() => () => flushTyping(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const undoEdit = () => {
    flushTyping();
    const last = edits.undo[edits.undo.length - 1];
    if (!last) return;
    setEdits({ undo: edits.undo.slice(0, -1), redo: [last, ...edits.redo] });
    patch.mutate({ id: last.id, body: last.before });
  };
  const redoEdit = () => {
    const [next, ...rest] = edits.redo;
    if (!next) return;
    setEdits({ undo: [...edits.undo, next], redo: rest });
    patch.mutate({ id: next.id, body: next.after });
  };
  useUndoKeys(undoEdit, redoEdit);

  const stack = (bubble: Bubble, step: 1 | -1) => {
    for (const [id, position] of restack(bubbles, bubble.id, step)) {
      const b = bubbles.find((x) => x.id === id)!;
      change(b, { position });
    }
  };

  if (!picked) return <p>Pick a candidate under “Generate” first: bubbles are placed on the picked picture.</p>;
  const speakers = (panel.spec.characters as string[] | undefined) ?? [];
  const status = patch.isPending || create.isPending || typing.current ? "saving" : patch.isError ? "error" : edits.undo.length ? "saved" : "idle";
  const spec = (selected?.spec ?? {}) as Spec;
  const err = (key: string) => errorAbout(patch.error, key);

  return (
    <div className="lettering grid-lettering">
      <div>
        <div className="toolbar" role="toolbar" aria-label="Add lettering">
          {BUBBLE_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              onClick={() => create.mutate(newBubble(kind, bubbles.length, speakers[0]))}
              disabled={create.isPending}
              data-testid={`add-${kind}`}
            >
              Add {kind === "sfx" ? "SFX" : kind}
            </button>
          ))}
          <button type="button" onClick={undoEdit} disabled={!edits.undo.length} aria-label="Undo bubble change" data-testid="bubble-undo">
            Undo
          </button>
          <button type="button" onClick={redoEdit} disabled={!edits.redo.length} aria-label="Redo bubble change" data-testid="bubble-redo">
            Redo
          </button>
          <label className="inline">
            <input type="checkbox" checked={showExport} onChange={(e) => setShowExport(e.target.checked)} />
            Show the exported picture
          </label>
          <SaveIndicator status={status} testId="lettering-save-status" />
        </div>
        <ErrorMessage error={create.error ?? remove.error ?? lettering.error} />
        {showExport ? (
          <img
            className="lettered"
            src={`/api/panels/${panel.id}/lettered?v=${lettering.dataUpdatedAt}`}
            alt="The panel as it will be exported, with lettering"
            data-testid="lettered-image"
          />
        ) : (
          <BubbleStage
            imageUrl={picked.url}
            imageSize={{ width: picked.width, height: picked.height }}
            bubbles={bubbles}
            placed={lettering.data?.bubbles ?? []}
            exportWidth={lettering.data?.width ?? picked.width}
            selectedId={selectedId}
            onSelect={setSelectedId}
            onChange={change}
            onTextEdit={(b, text) => change(b, { text })}
          />
        )}
      </div>
      <aside className="card bubble-props" aria-label="Selected bubble">
        {!selected ? (
          <p className="muted">Select a bubble to edit it (double-click to edit its text in place).</p>
        ) : (
          <>
            <h3>Bubble</h3>
            <Field label="Text" error={err("text")}>
              {(p) => (
                <textarea {...p} rows={3} value={spec.text ?? ""} onChange={(e) => changeSoon(selected, { text: e.target.value })} onBlur={flushTyping} data-testid="bubble-text" />
              )}
            </Field>
            <Field label="Kind" error={err("kind")}>
              {(p) => (
                <select {...p} value={spec.kind ?? "speech"} onChange={(e) => change(selected, { kind: e.target.value as Kind })}>
                  {BUBBLE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Speaker" error={err("speaker")}>
              {(p) => (
                <select {...p} value={spec.speaker ?? ""} onChange={(e) => change(selected, { speaker: e.target.value || null })}>
                  <option value="">(nobody)</option>
                  {speakers.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Font" error={err("font")}>
              {(p) => (
                <select {...p} value={spec.font ?? ""} onChange={(e) => change(selected, { font: e.target.value || null })}>
                  <option value="">Default ({KIND_DEFAULTS[(spec.kind as Kind) ?? "speech"]?.font})</option>
                  {FONTS.map((f) => (
                    <option key={f} value={f} style={{ fontFamily: f }}>
                      {f}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Font size" hint="Pixels on an 800 px wide panel; empty: fit the bubble." error={err("font_size")}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  max={400}
                  value={spec.font_size ?? ""}
                  onChange={(e) => changeSoon(selected, { font_size: e.target.value ? Number(e.target.value) : null })}
                  onBlur={flushTyping}
                />
              )}
            </Field>
            <Field label="Rotation (degrees)" error={err("rotation")}>
              {(p) => (
                <input {...p} type="number" min={-180} max={180} value={spec.rotation ?? 0} onChange={(e) => changeSoon(selected, { rotation: Number(e.target.value) || 0 })} onBlur={flushTyping} />
              )}
            </Field>
            <div className="row">
              <button type="button" onClick={() => stack(selected, 1)} disabled={bubbles[bubbles.length - 1]?.id === selected.id}>
                Bring forward
              </button>
              <button type="button" onClick={() => stack(selected, -1)} disabled={bubbles[0]?.id === selected.id}>
                Send backward
              </button>
            </div>
            <button type="button" className="danger" onClick={() => remove.mutate(selected.id)}>
              Delete bubble
            </button>
            <ErrorMessage error={patch.error} fields={["text", "kind", "speaker", "font", "font_size", "rotation"]} />
          </>
        )}
      </aside>
    </div>
  );
}

function BubbleStage({
  imageUrl,
  imageSize,
  bubbles,
  placed,
  exportWidth,
  selectedId,
  onSelect,
  onChange,
  onTextEdit,
}: {
  imageUrl: string;
  imageSize: { width: number; height: number };
  bubbles: Bubble[];
  placed: PlacedBubble[];
  exportWidth: number;
  selectedId: number | null;
  onSelect: (id: number | null) => void;
  onChange: (bubble: Bubble, body: BubblePatch) => void;
  onTextEdit: (bubble: Bubble, text: string) => void;
}) {
  const [box, boxWidth] = useWidth<HTMLDivElement>();
  const image = useHtmlImage(imageUrl);
  const scale = fitScale(imageSize, { width: boxWidth, height: 620 }, 2);
  const size = { width: imageSize.width * scale, height: imageSize.height * scale };
  // While dragging: the bubble's rect and tail in display pixels (the server drawing follows the offset).
  const [live, setLive] = useState<{ id: number; rect: PixelRect; start: PixelRect; tail?: { x: number; y: number } } | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const placedById = new Map(placed.map((p) => [p.bubble_id, p]));

  const rectOf = (bubble: Bubble): PixelRect | null => {
    if (live?.id === bubble.id) return live.rect;
    const frac = editableBox(bubble.spec, placedById.get(bubble.id)?.outline as [number, number][] | undefined);
    return frac ? toPixels(frac, size) : null;
  };
  const commitRect = (bubble: Bubble, rect: PixelRect) => {
    const frac = toFractions(rect, size);
    onChange(bubble, { x: frac.x, y: frac.y, width: frac.width, height: frac.height });
  };
  const editingBubble = bubbles.find((b) => b.id === editing);
  const editingRect = editingBubble ? rectOf(editingBubble) : null;

  return (
    <div className="bubble-stage" ref={box}>
      <div className="canvas-frame" style={{ width: size.width, height: size.height, position: "relative", touchAction: "none" }} data-testid="lettering-canvas" role="img" aria-label="Lettering canvas: drag bubbles, their handles and tail tips">
        <Stage
          width={size.width}
          height={size.height}
          onPointerDown={(e) => {
            if (e.target === e.target.getStage() || e.target.name() === "picture") onSelect(null);
          }}
        >
          <Layer>
            {image && <KonvaImage image={image} width={size.width} height={size.height} name="picture" />}
          </Layer>
          <Layer>
            {bubbles.map((bubble) => {
              const p = placedById.get(bubble.id);
              if (!p) return null;
              const offset =
                live?.id === bubble.id ? { x: live.rect.left - live.start.left, y: live.rect.top - live.start.top } : { x: 0, y: 0 };
              return <PlacedDrawing key={bubble.id} placed={p} size={size} exportWidth={exportWidth} font={bubble.spec.font as string | undefined} offset={offset} tail={live?.id === bubble.id ? live.tail : undefined} />;
            })}
          </Layer>
          <Layer>
            {bubbles.map((bubble) => {
              const rect = rectOf(bubble);
              if (!rect) return null;
              const selected = bubble.id === selectedId;
              const p = placedById.get(bubble.id);
              const tailFrac =
                bubble.spec.tail_x != null && bubble.spec.tail_y != null
                  ? { x: bubble.spec.tail_x as number, y: bubble.spec.tail_y as number }
                  : p?.tail_tip
                    ? { x: p.tail_tip[0], y: p.tail_tip[1] }
                    : null;
              const tail = live?.id === bubble.id && live.tail ? live.tail : tailFrac ? { x: tailFrac.x * size.width, y: tailFrac.y * size.height } : null;
              return (
                <Group key={bubble.id}>
                  <Rect
                    x={rect.left}
                    y={rect.top}
                    width={rect.width}
                    height={rect.height}
                    stroke={selected ? "#2563eb" : "rgba(37,99,235,0.0)"}
                    dash={[6, 4]}
                    strokeWidth={2}
                    fill="rgba(0,0,0,0.001)"
                    draggable
                    name={`bubble-${bubble.id}`}
                    onPointerDown={() => onSelect(bubble.id)}
                    onDblClick={() => setEditing(bubble.id)}
                    onDblTap={() => setEditing(bubble.id)}
                    onDragStart={() => setLive({ id: bubble.id, rect, start: rect })}
                    onDragMove={(e) => {
                      const start = live?.start ?? rect;
                      const moved = moveRect(start, e.target.x() - start.left, e.target.y() - start.top, size);
                      e.target.position({ x: moved.left, y: moved.top });
                      setLive({ id: bubble.id, rect: moved, start });
                    }}
                    onDragEnd={(e) => {
                      const start = live?.start ?? rect;
                      const moved = moveRect(start, e.target.x() - start.left, e.target.y() - start.top, size);
                      setLive(null);
                      commitRect(bubble, moved);
                    }}
                    onMouseEnter={(e) => ((e.target.getStage()!.container().style.cursor = "move"))}
                    onMouseLeave={(e) => ((e.target.getStage()!.container().style.cursor = "default"))}
                  />
                  {selected &&
                    HANDLES.map((handle) => (
                      <ResizeHandle
                        key={handle}
                        handle={handle}
                        rect={rect}
                        onMove={(r) => setLive({ id: bubble.id, rect: r, start: live?.start ?? rect })}
                        onEnd={(r) => {
                          setLive(null);
                          commitRect(bubble, r);
                        }}
                      />
                    ))}
                  {selected && tail && (
                    <>
                      <Line points={[rect.left + rect.width / 2, rect.top + rect.height / 2, tail.x, tail.y]} stroke="#2563eb" dash={[4, 4]} listening={false} />
                      <Circle
                        x={tail.x}
                        y={tail.y}
                        radius={9}
                        fill="#f59e0b"
                        stroke="#fff"
                        strokeWidth={2}
                        draggable
                        name="tail-tip"
                        onDragMove={(e) => setLive({ id: bubble.id, rect, start: live?.start ?? rect, tail: { x: e.target.x(), y: e.target.y() } })}
                        onDragEnd={(e) => {
                          const tip = clampTail({ x: e.target.x() / size.width, y: e.target.y() / size.height });
                          setLive(null);
                          onChange(bubble, { tail_x: tip.x, tail_y: tip.y });
                        }}
                      />
                    </>
                  )}
                </Group>
              );
            })}
          </Layer>
        </Stage>
        {editingBubble && editingRect && (
          <textarea
            className="inplace-text"
            autoFocus
            aria-label="Bubble text"
            defaultValue={String(editingBubble.spec.text ?? "")}
            style={{ left: editingRect.left, top: editingRect.top, width: Math.max(120, editingRect.width), height: Math.max(60, editingRect.height) }}
            onBlur={(e) => {
              if (e.target.value && e.target.value !== editingBubble.spec.text) onTextEdit(editingBubble, e.target.value);
              setEditing(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "Escape") setEditing(null);
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                (e.target as HTMLTextAreaElement).blur();
              }
            }}
            data-testid="bubble-inplace-text"
          />
        )}
      </div>
      {/* Accessible mirror of the bubbles: keyboard users select them from here. */}
      <ul className="bubble-list" aria-label="Bubbles">
        {bubbles.map((b, i) => (
          <li key={b.id}>
            <button type="button" aria-pressed={b.id === selectedId} onClick={() => onSelect(b.id)} data-testid={`bubble-${i + 1}`} data-bubble-id={b.id}>
              {i + 1}. {String(b.spec.kind)}: {String(b.spec.text)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ResizeHandle({ handle, rect, onMove, onEnd }: { handle: Handle; rect: PixelRect; onMove: (r: PixelRect) => void; onEnd: (r: PixelRect) => void }) {
  const start = useRef<PixelRect | null>(null);
  const at = handlePosition(rect, handle);
  // Handles are 12 px squares centred on their point: the node's position is 6 px up and left of it.
  const resized = (node: Konva.Node) => {
    const origin = start.current ?? rect;
    const from = handlePosition(origin, handle);
    return resizeRect(origin, handle, node.x() + 6 - from.x, node.y() + 6 - from.y);
  };
  return (
    <Rect
      x={at.x - 6}
      y={at.y - 6}
      width={12}
      height={12}
      fill="#fff"
      stroke="#2563eb"
      strokeWidth={2}
      draggable
      name={`handle-${handle}`}
      onDragStart={() => (start.current = rect)}
      onDragMove={(e) => onMove(resized(e.target))}
      onDragEnd={(e) => {
        const r = resized(e.target);
        start.current = null;
        onEnd(r);
      }}
    />
  );
}

/** The server's layout of one bubble: outline with tail, and its text broken into lines. */
function PlacedDrawing({
  placed,
  size,
  exportWidth,
  font,
  offset,
  tail,
}: {
  placed: PlacedBubble;
  size: { width: number; height: number };
  exportWidth: number;
  font?: string;
  offset: { x: number; y: number };
  tail?: { x: number; y: number };
}) {
  const kind = placed.kind as Kind;
  const family = font || KIND_DEFAULTS[kind]?.font || "Comic Neue";
  const fontPx = placed.font_size * (size.width / exportWidth);
  const fill = kind === "caption" ? "#fff7c2" : kind === "sfx" ? "#ffd400" : "#ffffff";
  const points = placed.outline?.flatMap(([x, y]) => [x * size.width, y * size.height]) ?? [];
  return (
    <Group x={offset.x} y={offset.y} listening={false}>
      {points.length > 0 && (
        <Line points={points} closed fill={fill} stroke="#111" strokeWidth={Math.max(1.5, 3 * (size.width / exportWidth))} dash={kind === "whisper" ? [8, 6] : undefined} />
      )}
      {tail && placed.center && (
        <Line points={[placed.center[0] * size.width, placed.center[1] * size.height, tail.x - offset.x, tail.y - offset.y]} stroke="#111" strokeWidth={2} />
      )}
      {placed.lines.map((line, i) => (
        <Text
          key={i}
          text={line.text}
          x={line.x * size.width}
          y={line.baseline * size.height - fontPx * 0.8}
          fontSize={fontPx}
          fontFamily={family}
          fill={kind === "whisper" ? "#464646" : "#111"}
          stroke={kind === "sfx" ? "#111" : undefined}
          strokeWidth={kind === "sfx" ? 1 : 0}
          rotation={0}
        />
      ))}
    </Group>
  );
}
