#!/usr/bin/env python3
"""Rebuild ``engines/diffusers/configs/clip-tokenizer/`` (vocab.json, merges.txt).

Source: ``bpe_simple_vocab_16e6.txt.gz``, OpenAI CLIP's byte-pair merges (MIT licence), shipped
inside the ``open_clip_torch`` wheel. Get it without installing the package (whose dependencies
would replace a CPU torch): ``pip download --no-deps open_clip_torch`` and unzip
``open_clip/bpe_simple_vocab_16e6.txt.gz`` from the wheel.

The vocabulary is the 256 byte characters, the same with ``</w>``, one entry per merge (the
first 48,894 lines after the header), then the start and end tokens: 49,408 ids, the ids SDXL's
text encoders were trained with.

    python tools/build_clip_tokenizer.py bpe_simple_vocab_16e6.txt.gz \
        src/stripstudio/engines/diffusers/configs/clip-tokenizer
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

MERGES = 49152 - 256 - 2


def byte_characters() -> list[str]:
    """GPT-2/CLIP's printable stand-ins for the 256 byte values, in CLIP's order."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    codes, extra = list(printable), 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return [chr(code) for code in codes]


def main(source: Path, out: Path) -> None:
    with gzip.open(source) as archive:
        lines = archive.read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : MERGES + 1]]
    vocab = byte_characters()
    vocab += [token + "</w>" for token in vocab]
    vocab += ["".join(merge) for merge in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(vocab)}, ensure_ascii=False))
    (out / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    print(f"{len(vocab)} tokens, {len(merges)} merges written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
