// Light and dark themes: the author's choice is remembered in this browser; "system" follows the
// operating system's setting, live. The theme is the data-theme attribute of <html>; styles.css
// defines the colours of each as CSS variables.
import { useEffect, useSyncExternalStore } from "react";

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "stripstudio:theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";
const listeners = new Set<() => void>();

function systemTheme(): Theme {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

/** The remembered choice ("system" when none or an unknown value is stored). */
export function themeChoice(): ThemeChoice {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    stored = null; // storage refused (private mode): follow the system
  }
  return stored === "light" || stored === "dark" ? stored : "system";
}

/** The theme shown for ``choice``. */
export function resolveTheme(choice: ThemeChoice = themeChoice()): Theme {
  return choice === "system" ? systemTheme() : choice;
}

/** Put the current theme on <html> (called at start-up, on a choice, and when the system's changes). */
export function applyTheme(): Theme {
  const theme = resolveTheme();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  return theme;
}

/** Remember ``choice`` and show it. */
export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // not remembered, still shown
  }
  applyTheme();
  listeners.forEach((l) => l());
}

/** The choice and the theme it resolves to; re-renders when either changes. */
export function useTheme(): { choice: ThemeChoice; theme: Theme; setChoice: (choice: ThemeChoice) => void } {
  const choice = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    themeChoice,
  );
  const theme = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => resolveTheme(choice),
  );
  useEffect(() => {
    if (typeof window.matchMedia !== "function") return;
    const media = window.matchMedia(DARK_QUERY);
    const onChange = () => {
      applyTheme();
      listeners.forEach((l) => l());
    };
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
  return { choice, theme, setChoice: setThemeChoice };
}
