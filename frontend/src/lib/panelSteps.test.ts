import { describe, expect, it } from "vitest";
import { candidateNumbers } from "./panelSteps";

describe("candidate numbers", () => {
  it("count from the first picture ever drawn, the same whichever list shows them", () => {
    const images = [
      { id: 9, created_at: "2026-01-02T00:00:00Z", candidate: 1 },
      { id: 8, created_at: "2026-01-02T00:00:00Z", candidate: 0 },
      { id: 3, created_at: "2026-01-01T00:00:00Z", candidate: 0 },
    ];
    const numbers = candidateNumbers(images);
    expect([numbers.get(3), numbers.get(8), numbers.get(9)]).toEqual([1, 2, 3]);
    expect(candidateNumbers([...images].reverse())).toEqual(numbers);
  });
});
