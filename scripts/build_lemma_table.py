"""Extract spaCy's English lookup-lemma table into the package (run once, at build time).

spacy-lookups-data is ~100 MB; the table we need is ~200 KB. Only lower-case keys are kept because
the pipeline looks lemmas up by the lower-cased token (the built-in lookup is case-sensitive).
Usage: pip install spacy-lookups-data && python scripts/build_lemma_table.py
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import spacy_lookups_data  # type: ignore[import-untyped]

SOURCE = Path(spacy_lookups_data.__file__).parent / "data"
TARGET = Path(__file__).resolve().parent.parent / "compliance" / "nlp" / "data"


def main() -> None:
    with gzip.open(SOURCE / "en_lemma_lookup.json.gz", "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    lower = {k: v for k, v in sorted(table.items()) if k == k.lower() and v != k}
    TARGET.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(lower, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    with open(TARGET / "en_lemma_lookup.json.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            out.write(payload)
    shutil.copy(SOURCE / "en_license.txt", TARGET / "LICENSE-lemma-data.txt")
    print(f"{len(lower)} lemmas -> {TARGET / 'en_lemma_lookup.json.gz'}")


if __name__ == "__main__":
    main()
