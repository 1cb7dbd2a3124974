import { useId, useMemo, useRef } from "react";
import { tokenize } from "../lib/prompt";

/** A prompt textarea with syntax highlighting (a mirrored layer behind transparent text) and live checks. */
export function PromptInput({
  label,
  value,
  onChange,
  error,
  rows = 4,
  testId,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  rows?: number;
  testId?: string;
  placeholder?: string;
}) {
  const id = useId();
  const mirror = useRef<HTMLDivElement>(null);
  const { tokens, problems } = useMemo(() => tokenize(value), [value]);
  const bad = new Set(problems.filter((p) => p.severity === "error").flatMap((p) => range(p.start, p.end)));
  const describedBy = [problems.length ? `${id}-problems` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className={`field prompt-input ${error || problems.some((p) => p.severity === "error") ? "has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <div className="prompt-box">
        <div className="prompt-mirror" ref={mirror} aria-hidden="true">
          {tokens.map((t) => (
            <span
              key={t.start}
              className={`tok tok-${t.kind} depth-${Math.min(t.depth, 3)} ${bad.has(t.start) ? "tok-bad" : ""}`}
            >
              {t.text}
            </span>
          ))}
          {"\n"}
        </div>
        <textarea
          id={id}
          rows={rows}
          value={value}
          spellCheck={false}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (mirror.current) mirror.current.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-invalid={error || problems.some((p) => p.severity === "error") ? true : undefined}
          aria-describedby={describedBy || undefined}
          data-testid={testId}
        />
      </div>
      {problems.length > 0 && (
        <ul id={`${id}-problems`} className="prompt-problems" aria-label={`${label} problems`} data-testid={testId ? `${testId}-problems` : undefined}>
          {problems.map((p, i) => (
            <li key={i} className={p.severity}>
              <code>{value.slice(p.start, p.end) || "…"}</code> at {p.start + 1}: {p.message}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
