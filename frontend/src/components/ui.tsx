// The studio's small building blocks. Interactive primitives (tabs, dialogs, menus, tooltips, sliders,
// selects, toasts) are Radix UI underneath, for their keyboard and screen-reader behaviour; links are
// React Router's. Everything is re-exported here so features import from one place.
import { useId, type ComponentPropsWithoutRef, type MouseEvent, type ReactNode } from "react";
import { Link as RouterLink, useInRouterContext } from "react-router";
import { Tabs as RadixTabs } from "radix-ui";
import { navigate } from "../lib/router";
import type { SaveStatus } from "../lib/useAutosave";
import { otherErrors } from "../lib/errors";

export { Dialog } from "./Dialog";
export { ConfirmButton } from "./ConfirmButton";
export { Menu, MenuItem, MenuRadioGroup, MenuRadioItem, MenuSeparator } from "./Menu";
export { IconButton, Tooltip } from "./Tooltip";
export { Slider } from "./Slider";
export { Select } from "./Select";
export { ToastProvider, useToast } from "./Toast";

type LinkProps = { to: string; children: ReactNode; className?: string } & Omit<ComponentPropsWithoutRef<"a">, "href">;

/** An in-app link: a real <a href> (opens in a new tab too) that navigates without reloading. */
export function Link({ to, children, className, ...rest }: LinkProps) {
  const inRouter = useInRouterContext();
  if (inRouter) {
    return (
      <RouterLink to={to} className={className} {...rest}>
        {children}
      </RouterLink>
    );
  }
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}

/** A labelled control with its error message (id-linked for screen readers). */
export function Field({
  label,
  error,
  hint,
  children,
  className,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; "aria-invalid"?: boolean; "aria-describedby"?: string }) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return (
    <div className={`field ${className ?? ""} ${error ? "has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function SaveIndicator({ status, testId = "save-status" }: { status: SaveStatus; testId?: string }) {
  const text = { idle: "", pending: "Unsaved changes…", saving: "Saving…", saved: "Saved", error: "Not saved" }[status];
  return (
    <span className={`save-status save-${status}`} role="status" aria-live="polite" data-testid={testId}>
      {text}
    </span>
  );
}

export function ErrorMessage({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  const text = otherErrors(error, fields);
  return text ? (
    <p className="error" role="alert">
      {text}
    </p>
  ) : null;
}

/** A row of tabs (arrow keys move between them); the caller renders the chosen tab's panel. */
export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
  label,
}: {
  tabs: { id: T; label: string; icon?: ReactNode }[];
  value: T;
  onChange: (id: T) => void;
  label: string;
}) {
  return (
    <RadixTabs.Root value={value} onValueChange={(v) => onChange(v as T)} activationMode="manual">
      <RadixTabs.List aria-label={label} className="tabs">
        {tabs.map((t) => (
          <RadixTabs.Trigger
            key={t.id}
            value={t.id}
            className={value === t.id ? "active" : ""}
            // Radix switches on mouse down; a click (keyboard, assistive technology, tests) switches too.
            onClick={() => t.id !== value && onChange(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.icon}
            {t.label}
          </RadixTabs.Trigger>
        ))}
      </RadixTabs.List>
    </RadixTabs.Root>
  );
}
