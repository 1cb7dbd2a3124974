import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { Toast as RadixToast } from "radix-ui";

export interface ToastMessage {
  title: string;
  description?: string;
  kind?: "info" | "success" | "error";
}

const ToastContext = createContext<(message: ToastMessage) => void>(() => undefined);

/** Short notices in a corner ("Settings copied to the panel"); screen readers announce them. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<(ToastMessage & { id: number })[]>([]);
  const show = useCallback((message: ToastMessage) => {
    // At most a few on screen: older ones make room.
    setToasts((list) => [...list.slice(-2), { ...message, id: Date.now() + Math.random() }]);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      <RadixToast.Provider swipeDirection="right" duration={5000}>
        {children}
        {toasts.map((t) => (
          <RadixToast.Root
            key={t.id}
            className={`toast toast-${t.kind ?? "info"}`}
            onOpenChange={(open) => !open && setToasts((list) => list.filter((x) => x.id !== t.id))}
          >
            <RadixToast.Title className="toast-title">{t.title}</RadixToast.Title>
            {t.description && <RadixToast.Description className="toast-description">{t.description}</RadixToast.Description>}
            <RadixToast.Close className="icon-button toast-close" aria-label="Dismiss">
              ×
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

/** ``toast({title})`` shows a notice (a no-op outside a ToastProvider). */
export function useToast(): (message: ToastMessage) => void {
  return useContext(ToastContext);
}
