// Debounced saving of partial changes ("autosave"), with a status for the "saved" indicator (see autosave.ts).
import { useEffect, useRef, useState } from "react";
import { AutosaveQueue, type SaveStatus } from "./autosave";

export type { SaveStatus } from "./autosave";

export function useAutosave<P extends object>(save: (patch: P) => Promise<unknown>, delay = 700) {
  const saveRef = useRef(save);
  saveRef.current = save;
  const [state, setState] = useState<{ status: SaveStatus; error: unknown }>({ status: "idle", error: null });
  const [autosave] = useState(() => new AutosaveQueue<P>((patch) => saveRef.current(patch), delay, (status, error) => setState({ status, error })));

  // Save what is pending when the editor goes away (switching panels, leaving the page).
  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (autosave.hasPending) {
        void autosave.flush();
        e.preventDefault();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      void autosave.flush();
    };
  }, [autosave]);

  return { queue: autosave.queue, flush: autosave.flush, status: state.status, error: state.error };
}
