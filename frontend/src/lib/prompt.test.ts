import { describe, expect, it } from "vitest";
import { promptErrors, tokenize } from "./prompt";

const kinds = (p: string) => tokenize(p).tokens.map((t) => [t.kind, t.text]);

describe("tokenize", () => {
  it("splits weights, emphasis, loras and BREAK", () => {
    expect(kinds("(red hat:1.2), ((smile)) [blur] <lora:ink:0.8> BREAK sky")).toEqual([
      ["open", "("],
      ["text", "red hat"],
      ["weight", ":1.2"],
      ["close", ")"],
      ["comma", ","],
      ["text", " "],
      ["open", "("],
      ["open", "("],
      ["text", "smile"],
      ["close", ")"],
      ["close", ")"],
      ["text", " "],
      ["open", "["],
      ["text", "blur"],
      ["close", "]"],
      ["text", " "],
      ["lora", "<lora:ink:0.8>"],
      ["text", " "],
      ["break", "BREAK"],
      ["text", " sky"],
    ]);
    expect(tokenize("(red hat:1.2), ((smile))").problems).toEqual([]);
  });

  it("tracks depth and covers the whole prompt", () => {
    const prompt = "a ((b)) c";
    const { tokens } = tokenize(prompt);
    expect(tokens.map((t) => t.text).join("")).toBe(prompt);
    expect(tokens.find((t) => t.text === "b")?.depth).toBe(2);
  });

  it("reports unbalanced brackets with their position", () => {
    expect(tokenize("(smile").problems).toEqual([
      { start: 0, end: 1, message: "'(' is never closed with ')'", severity: "error" },
    ]);
    expect(tokenize("smile)").problems[0]).toMatchObject({ start: 5, message: "')' has no opening '('" });
    expect(tokenize("(smile]").problems.map((p) => p.message)).toEqual([
      "'(' is never closed with ')'",
      "']' closes '('",
    ]);
  });

  it("reports bad weights and warns about extreme ones", () => {
    expect(tokenize("(cat:abc)").problems[0]).toMatchObject({ severity: "error", start: 4, end: 8 });
    expect(tokenize("(cat:1.2.3)").problems[0].message).toContain("bad weight");
    expect(tokenize("(cat:5)").problems[0]).toMatchObject({ severity: "warning" });
    expect(promptErrors("(cat:5)")).toEqual([]);
    expect(promptErrors("(cat:.5) (dog: 1.1 )")).toEqual([]);
  });

  it("reports malformed lora tags", () => {
    expect(promptErrors("<lora:ink:0.8> <lora:ink>")).toEqual([]);
    expect(promptErrors("<lora::0.8>")[0].message).toContain("needs a name");
    expect(promptErrors("<lora:ink:strong>")[0].message).toContain("bad lora strength");
    expect(promptErrors("<lora:ink:0.8 cat")[0].message).toContain("not closed");
    expect(promptErrors("<lora:a:1:2:3>")[0].message).toContain("too many parts");
  });

  it("leaves escapes, colons outside brackets and words containing BREAK alone", () => {
    expect(promptErrors("\\(not a bracket, time: 5pm, BREAKFAST")).toEqual([]);
    expect(kinds("BREAKFAST").map((k) => k[0])).toEqual(["text"]);
    expect(kinds("\\(").map((k) => k[0])).toEqual(["escape"]);
  });
});
