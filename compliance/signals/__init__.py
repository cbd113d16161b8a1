"""Signals: what in API logs gives a data-generation or distillation campaign away.

Signals are data: rule packs of kind `signal-set` (bundled in `rules/signals/`) list them under
`signals:` (format in `spec.py`, documented in docs/signals.md). This package evaluates them over
streamed `LogRecord`s with bounded, mergeable accumulators:

* `features`  – slot normalisation of prompts into templates, topics, derived fields;
* `conditions` – record conditions (lemmas via spaCy, RE2 regexes, rapidfuzz, field tests)
  behind one RE2-set prefilter;
* `accumulate` – per-account state (volumes, days, template tables, per-signal counts);
* `evaluate`  – metrics, thresholds, clusters of coordinated accounts, risk scores;
* `runner`    – partitions the input and runs them on every core, with a progress bar.

Nothing here imports spaCy, RE2 or rapidfuzz at import time.
"""
