"""Generate benchmark inputs: a large YAML deck with realistic Markdown answers."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "attention query key value softmax gradient encoder decoder sequence token embedding layer "
    "residual normalisation convolution kernel stride receptive field vanishing exploding gate "
    "recurrent hidden state beam search teacher forcing logits variance scaling head projection "
    "parallel path length memory quadratic positional encoding mask causal padding"
).split()


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def answer(rng: random.Random) -> str:
    """About 700 characters: a paragraph, a list, a formula and sometimes a code block."""
    parts = [" ".join(sentence(rng) for _ in range(3)), ""]
    parts += [f"- **{rng.choice(WORDS)}**: {sentence(rng, 8)}" for _ in range(3)]
    parts += ["", "`softmax(Q K^T / sqrt(d_k)) V` " + sentence(rng, 10)]
    if rng.random() < 0.3:
        parts += ["", "```python", "scores = q @ k.T / math.sqrt(d_k)", "weights = scores.softmax(-1)", "```"]
    return "\n".join(parts)


def write_deck(path: Path, cards: int, seed: int = 7, slug: str = "bench") -> Path:
    rng = random.Random(seed)
    lines = [f"deck: {slug}", f"title: Benchmark deck {slug}", "description: Generated.", "tags: [bench]", "cards:"]
    for number in range(cards):
        lines.append(f"  - id: card-{number:06d}")
        lines.append(f'    q: "Explain {rng.choice(WORDS)} and {rng.choice(WORDS)} (#{number})?"')
        lines.append("    a: |")
        lines.extend(("      " + row) if row else "" for row in answer(rng).splitlines())
        lines.append(f"    points: [{rng.choice(WORDS)}, {rng.choice(WORDS)} {rng.choice(WORDS)}]")
        lines.append(f'    hints: ["Think about {rng.choice(WORDS)}."]')
        lines.append(f"    tags: [{rng.choice(WORDS)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    import sys

    out = write_deck(Path(sys.argv[1] if len(sys.argv) > 1 else "bench-deck.yaml"), 10_000)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
