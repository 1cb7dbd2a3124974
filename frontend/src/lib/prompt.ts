// Prompt syntax: (word:1.2) weights, ((word)) emphasis, [word] de-emphasis, <lora:name:0.8> tags, BREAK.
// tokenize() splits a prompt into highlightable tokens and reports problems with their character range.

export type TokenKind = "text" | "open" | "close" | "weight" | "lora" | "break" | "comma" | "escape" | "error";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** Nesting depth of brackets around (and including) this token; 0 at top level. */
  depth: number;
}

export interface Problem {
  start: number;
  end: number;
  message: string;
  severity: "error" | "warning";
}

export interface Tokenized {
  tokens: Token[];
  problems: Problem[];
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const WEIGHT = /^:([^()[\]]*)(?=\))/;
const LORA_START = /^<(lora|lyco):/i;
const PAIR: Record<string, string> = { ")": "(", "]": "[" };

export function tokenize(prompt: string): Tokenized {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  const stack: { char: string; start: number }[] = [];
  let text = "";
  let textStart = 0;

  const flush = (at: number) => {
    if (text) tokens.push({ kind: "text", text, start: textStart, end: at, depth: stack.length });
    text = "";
  };
  const push = (kind: TokenKind, start: number, end: number, depth = stack.length) => {
    flush(start);
    tokens.push({ kind, text: prompt.slice(start, end), start, end, depth });
    textStart = end;
  };

  let i = 0;
  while (i < prompt.length) {
    const c = prompt[i];
    const rest = prompt.slice(i);
    if (c === "\\" && i + 1 < prompt.length) {
      push("escape", i, i + 2);
      i += 2;
      continue;
    }
    if (c === "(" || c === "[") {
      stack.push({ char: c, start: i });
      push("open", i, i + 1);
      i += 1;
      continue;
    }
    if (c === ")" || c === "]") {
      const top = stack[stack.length - 1];
      if (top && top.char === PAIR[c]) {
        push("close", i, i + 1);
        stack.pop();
      } else {
        push("error", i, i + 1);
        problems.push({
          start: i,
          end: i + 1,
          message: top ? `'${c}' closes '${top.char}'` : `'${c}' has no opening '${PAIR[c]}'`,
          severity: "error",
        });
      }
      i += 1;
      continue;
    }
    if (c === ":" && stack.length && stack[stack.length - 1].char === "(") {
      const match = WEIGHT.exec(rest);
      if (match) {
        const value = match[1].trim();
        const end = i + match[0].length;
        if (!NUMBER.test(value)) {
          push("error", i, end);
          problems.push({ start: i, end, message: `bad weight '${value}': write a number like 1.2`, severity: "error" });
        } else {
          push("weight", i, end);
          const weight = Number(value);
          if (weight < 0 || weight > 2) {
            problems.push({ start: i, end, message: `weight ${value} is outside 0..2`, severity: "warning" });
          }
        }
        i = end;
        continue;
      }
    }
    if (c === "<") {
      const tag = LORA_START.exec(rest);
      if (tag) {
        const close = rest.indexOf(">");
        const nextOpen = rest.indexOf("<", 1);
        if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
          const end = i + (nextOpen >= 0 ? nextOpen : rest.length);
          push("error", i, end);
          problems.push({ start: i, end, message: `${tag[1]} tag is not closed with '>'`, severity: "error" });
          i = end;
          continue;
        }
        const end = i + close + 1;
        const body = rest.slice(tag[0].length, close).split(":");
        const name = body[0]?.trim() ?? "";
        const message = !name
          ? `${tag[1]} tag needs a name: <${tag[1]}:name:0.8>`
          : body.length > 3
            ? `${tag[1]} tag has too many parts: <${tag[1]}:name:0.8>`
            : body.slice(1).find((s) => !NUMBER.test(s.trim()))
              ? `bad ${tag[1]} strength '${body.slice(1).find((s) => !NUMBER.test(s.trim()))}': write a number like 0.8`
              : null;
        if (message) {
          push("error", i, end);
          problems.push({ start: i, end, message, severity: "error" });
        } else {
          push("lora", i, end);
        }
        i = end;
        continue;
      }
    }
    if (c === "B" && rest.startsWith("BREAK") && !/\w/.test(prompt[i - 1] ?? "") && !/\w/.test(prompt[i + 5] ?? "")) {
      push("break", i, i + 5);
      i += 5;
      continue;
    }
    if (c === ",") {
      push("comma", i, i + 1);
      i += 1;
      continue;
    }
    if (!text) textStart = i;
    text += c;
    i += 1;
  }
  flush(prompt.length);
  for (const open of stack) {
    problems.push({
      start: open.start,
      end: open.start + 1,
      message: `'${open.char}' is never closed with '${open.char === "(" ? ")" : "]"}'`,
      severity: "error",
    });
    const token = tokens.find((t) => t.start === open.start && t.kind === "open");
    if (token) token.kind = "error";
  }
  problems.sort((a, b) => a.start - b.start);
  return { tokens, problems };
}

/** Only the errors (warnings allowed): a prompt with errors should not be generated from. */
export function promptErrors(prompt: string): Problem[] {
  return tokenize(prompt).problems.filter((p) => p.severity === "error");
}
