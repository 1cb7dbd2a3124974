// Debounced saving of partial changes ("autosave"), with a status for the "saved" indicator.
import { useCallback, useEffect, useRef, useState } from "react";

export type SaveStatus = "idle" | "pending" | "saving" | "saved" | "error";

export function useAutosave<P extends object>(save: (patch: P) => Promise<unknown>, delay = 700) {
  const [status, setStatus] = useState<SaveStatus>("idle");
  const [error, setError] = useState<unknown>(null);
  const pending = useRef<P | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveRef = useRef(save);
  saveRef.current = save;

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const patch = pending.current;
    if (!patch) return;
    pending.current = null;
    setStatus("saving");
    try {
      await saveRef.current(patch);
      setError(null);
      setStatus(pending.current ? "pending" : "saved");
    } catch (e) {
      // Keep the refused change: the next edit (e.g. the fix) sends it again together with the fix.
      pending.current = { ...patch, ...(pending.current ?? {}) } as P;
      setError(e);
      setStatus("error");
    }
  }, []);

  const queue = useCallback(
    (patch: P) => {
      pending.current = { ...(pending.current ?? {}), ...patch } as P;
      setStatus("pending");
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, delay);
    },
    [delay, flush],
  );

  // Save what is pending when the editor goes away (switching panels, leaving the page).
  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (pending.current) {
        void flush();
        e.preventDefault();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      void flush();
    };
  }, [flush]);

  return { queue, flush, status, error };
}
