"""A realistic mixed API log for benchmarks and tests (deterministic for a seed).

Records are OpenAI-chat envelopes (`{"timestamp", "account", "api_key_id", "request", "response"}`,
docs/log-formats.md) of about 1 KB, spread over 14 days and a fixed population of accounts, so
that 10x the records means 10x the traffic of the same accounts (memory must not grow with it):

* app        8 accounts: end users behind one key each, varied free-text prompts (55%)
* eval       3 accounts: LLM-as-judge ("rate this answer 1-10") and multiple-choice runs (20%)
* generation 3 accounts: instruction/response pairs swept over topics; chain-of-thought
  elicitation; logprob harvesting (20%)
* rotation  12 accounts: one campaign spread over rotated keys, a handful of records each (5%)
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

START = datetime(2025, 9, 1, tzinfo=timezone.utc)
DAYS = 14
WORDS = ("time person year way day thing man world life hand part child eye woman place work week case point "
         "government company number group problem fact be have do say get make go know take see come think look want "
         "give use find tell ask seem feel try leave call good new first last long great little own other old right "
         "big high different small large next early young important few public bad same able parcel refund invoice "
         "router printer garden recipe budget flight hotel contract lease engine battery screen kitchen doctor lesson "
         "exam essay poem song movie river mountain city village market price salary bank loan card account password "
         "email meeting project deadline team manager client customer order delivery warranty repair ticket update "
         "install error crash login network server database query table chart report slide photo camera phone laptop").split()
TOPICS = [f"{a} {b}" for a in ("ancient", "modern", "quantum", "tropical", "urban", "medieval", "digital", "marine",
                               "organic", "financial", "legal", "cellular", "solar", "arctic", "baroque", "viral")
          for b in ("history", "chemistry", "economics", "ecology", "poetry", "architecture", "law", "biology",
                    "physics", "music", "medicine", "linguistics", "astronomy", "geology", "ethics", "robotics")]
ROTATION_TEMPLATES = [
    'Write a detailed expert answer for our assistant training set. Question: "{q}"',
    'Answer thoroughly as a helpful assistant; the answer becomes a training example. Question: "{q}"',
    'Produce an ideal assistant response with reasoning and a final summary for the prompt "{q}"',
    'Rewrite the following request as a high-quality instruction and answer it in depth: "{q}"',
    'Give a long, well-structured answer suitable for supervised fine-tuning to: "{q}"',
    'Draft a comprehensive reply, then list three follow-up questions, for the user message "{q}"',
]
KINDS = (("app", 8, 0.55), ("eval", 3, 0.20), ("gen", 3, 0.20), ("rotation", 12, 0.05))


def accounts() -> dict[str, str]:
    """account -> kind, for the fixed population."""
    out: dict[str, str] = {}
    for kind, count, _ in KINDS:
        for i in range(1, count + 1):
            out[f"org-{kind}-{i:02d}"] = kind
    return out


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _app(rng: random.Random) -> tuple[str, str, dict, int]:
    lead = rng.choice(("Hi, ", "Hello! ", "", "Quick question: ", "Please help: ", ""))
    prompt = lead + _words(rng, rng.randint(14, 40)).capitalize() + "? " + _words(rng, rng.randint(5, 25)) + "."
    return prompt, _words(rng, rng.randint(90, 140)), {"temperature": 0.7}, rng.randint(120, 260)


def _eval(rng: random.Random, i: int) -> tuple[str, str, dict, int]:
    q, a = _words(rng, 12), _words(rng, 30)
    if i % 3 == 2:
        prompt = (f"Answer the following multiple-choice question. Reply with only the letter.\nQuestion: {q}?\n"
                  f"A) {_words(rng, 3)}\nB) {_words(rng, 3)}\nC) {_words(rng, 3)}\nD) {_words(rng, 3)}")
        return prompt, rng.choice("ABCD"), {"temperature": 0.0, "max_tokens": 1}, 1
    prompt = (f"You are an impartial judge. Rate the response below from 1 to 10 for helpfulness and accuracy. "
              f"Output only the score.\n\nQuestion: \"{q}\"\nResponse: \"{a}\"\n" + _words(rng, 40))
    return prompt, str(rng.randint(1, 10)), {"temperature": 0.0, "max_tokens": 4}, 2


def _gen(rng: random.Random, account: int) -> tuple[str, str, dict, int]:
    topic = rng.choice(TOPICS)
    if account == 1:
        prompt = (f"Generate {rng.randint(3, 12)} diverse instruction/response pairs about {topic}. Each pair must be "
                  "self-contained. Return JSON lines with fields instruction and response, for fine-tuning a chat model.")
        body = "\n".join(json.dumps({"instruction": _words(rng, 10) + "?", "response": _words(rng, 25)}) for _ in range(3))
        return prompt, body, {"temperature": 1.0, "max_tokens": 2048}, rng.randint(300, 600)
    if account == 2:
        prompt = (f"Solve the following problem about {topic}. Think step by step and write out your full chain of "
                  f"thought before the final answer.\nProblem: {_words(rng, 20)} {rng.randint(2, 999)} {_words(rng, 10)}?")
        return prompt, "Step 1: " + _words(rng, 120), {"temperature": 0.6, "reasoning_effort": "high"}, rng.randint(400, 900)
    prompt = f"Continue the text: \"{_words(rng, 30)}\""
    return prompt, _words(rng, 8), {"temperature": 1.0, "max_tokens": 16, "logprobs": True, "top_logprobs": 20}, 16


def _rotation(rng: random.Random) -> tuple[str, str, dict, int]:
    prompt = rng.choice(ROTATION_TEMPLATES).format(q=_words(rng, rng.randint(8, 16)) + "?")
    return prompt, _words(rng, rng.randint(110, 150)), {"temperature": 0.9}, rng.randint(250, 400)


def _line(rng: random.Random, index: int, account: str, kind: str, number: int) -> str:
    if kind == "app":
        prompt, text, params, out = _app(rng)
    elif kind == "eval":
        prompt, text, params, out = _eval(rng, index)
    elif kind == "gen":
        prompt, text, params, out = _gen(rng, number)
    else:
        prompt, text, params, out = _rotation(rng)
    model = "claude-sonnet-4-5" if kind == "app" and number == 8 else rng.choice(("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"))
    ts = START + timedelta(seconds=rng.randrange(DAYS * 86400))
    system = "You are a helpful assistant for our customers." if kind == "app" else "You are a helpful assistant."
    request = {"model": model.rsplit("-2024", 1)[0], "messages": [{"role": "system", "content": system},
                                                                  {"role": "user", "content": prompt}], **params}
    response = {"id": f"chatcmpl-{index:08d}", "object": "chat.completion", "created": int(ts.timestamp()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": out,
                          "total_tokens": len(prompt) // 4 + out}}
    key = f"key_{account}" if kind != "rotation" else f"key_rot_{number:02d}"
    return json.dumps({"timestamp": ts.isoformat().replace("+00:00", "Z"), "account": account, "api_key_id": key,
                       "endpoint": "/v1/chat/completions", "request": request, "response": response}, separators=(",", ":"))


def generate(out_dir: Path, n: int, seed: int = 7, files: int = 4) -> dict[str, str]:
    """Write n records into `files` JSONL files under out_dir; returns account -> kind."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    population = accounts()
    by_kind: dict[str, list[str]] = {}
    for name, kind in population.items():
        by_kind.setdefault(kind, []).append(name)
    kinds = [kind for kind, _, _ in KINDS]
    weights = [share for _, _, share in KINDS]
    handles = [open(out_dir / f"api-{i + 1:02d}.jsonl", "w", encoding="utf-8") for i in range(files)]
    try:
        block: list[list[str]] = [[] for _ in handles]
        rotated = 0
        for index in range(n):
            kind = rng.choices(kinds, weights)[0]
            if kind == "rotation":  # keys are rotated in turn, so each stays small
                account = by_kind[kind][rotated % len(by_kind[kind])]
                rotated += 1
            else:
                account = rng.choice(by_kind[kind])
            number = int(account.rsplit("-", 1)[1])
            target = index % files
            block[target].append(_line(rng, index, account, kind, number))
            if len(block[target]) >= 2000:
                handles[target].write("\n".join(block[target]) + "\n")
                block[target] = []
        for handle, lines in zip(handles, block):
            if lines:
                handle.write("\n".join(lines) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return population


def literal_patterns() -> list[str]:
    """The prefilter literals of the bundled signals (what rg and the naive loop search for)."""
    from compliance.rules.loader import load_rules
    from compliance.signals.compiled import SignalSet

    return list(SignalSet.from_rules(load_rules()).literals)
