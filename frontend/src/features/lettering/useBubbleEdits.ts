// Saving bubble changes: optimistic PATCHes with undo/redo, typed changes saved after a pause, creating and
// deleting bubbles; every save refreshes the server's layout of the panel.
import { useEffect, useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Bubble, type BubblePatch, type Panel } from "../../api/client";
import { keys } from "../../api/queries";
import { newBubble } from "../../lib/bubbles";
import { useUndoKeys } from "../../lib/hooks";

interface Edit {
  id: number;
  before: BubblePatch;
  after: BubblePatch;
}

const TYPING_PAUSE = 600; // ms without typing before a typed change is saved

const valuesOf = (bubble: Bubble, keysOf: string[]) =>
  Object.fromEntries(keysOf.map((k) => [k, k === "position" ? bubble.position : (bubble.spec[k] ?? null)])) as BubblePatch;

export function useBubbleEdits(panel: Panel, onCreated: (id: number) => void, onRemoved: () => void) {
  const client = useQueryClient();
  const [edits, setEdits] = useState<{ undo: Edit[]; redo: Edit[] }>({ undo: [], redo: [] });
  const listKey = keys.panels(panel.comic_id);
  // The server's layout after a change; callers return it so that the change counts as saving until drawn.
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
      onCreated(bubble.id);
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => ok(api.DELETE("/api/bubbles/{bubble_id}", { params: { path: { bubble_id: id } } })),
    onSuccess: (_r, id) => {
      setBubbles((list) => list.filter((b) => b.id !== id));
      onRemoved();
      return refresh();
    },
  });

  /** Change a bubble now, as one undo step. */
  const change = (bubble: Bubble, body: BubblePatch) => {
    flushTyping();
    setEdits((e) => ({ undo: [...e.undo.slice(-99), { id: bubble.id, before: valuesOf(bubble, Object.keys(body)), after: body }], redo: [] }));
    patch.mutate({ id: bubble.id, body });
  };
  // Typing (and arrow-key moves): shown at once, PATCHed after a pause, one undo step per pause.
  const typing = useRef<{ id: number; body: BubblePatch; before: BubblePatch; timer: ReturnType<typeof setTimeout> } | null>(null);
  const changeSoon = (bubble: Bubble, body: BubblePatch) => {
    if (typing.current && typing.current.id !== bubble.id) flushTyping();
    const current = typing.current;
    if (current) clearTimeout(current.timer);
    const fresh = Object.keys(body).filter((k) => !current || !(k in current.before));
    setBubbles((list) => list.map((b) => (b.id === bubble.id ? { ...b, spec: { ...b.spec, ...body } } : b)));
    typing.current = {
      id: bubble.id,
      body: { ...(current?.body ?? {}), ...body },
      before: { ...(current?.before ?? {}), ...valuesOf(bubble, fresh) },
      timer: setTimeout(flushTyping, TYPING_PAUSE),
    };
  };
  function flushTyping() {
    const pending = typing.current;
    if (!pending) return;
    clearTimeout(pending.timer);
    typing.current = null;
    setEdits((e) => ({ undo: [...e.undo, { id: pending.id, before: pending.before, after: pending.body }], redo: [] }));
    patch.mutate({ id: pending.id, body: pending.body });
  }
  useEffect(() => () => flushTyping(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const undo = () => {
    flushTyping();
    const last = edits.undo[edits.undo.length - 1];
    if (!last) return;
    setEdits({ undo: edits.undo.slice(0, -1), redo: [last, ...edits.redo] });
    patch.mutate({ id: last.id, body: last.before });
  };
  const redo = () => {
    const [next, ...rest] = edits.redo;
    if (!next) return;
    setEdits({ undo: [...edits.undo, next], redo: rest });
    patch.mutate({ id: next.id, body: next.after });
  };
  useUndoKeys(undo, redo);

  const status = patch.isPending || create.isPending || typing.current ? "saving" : patch.isError ? "error" : edits.undo.length ? "saved" : "idle";
  return { patch, create, remove, change, changeSoon, flushTyping, undo, redo, canUndo: edits.undo.length > 0, canRedo: edits.redo.length > 0, status } as const;
}
