"""Regenerate docs/report.png: the HTML report of examples/distilled-chat in headless Chromium.

Uses the same browser helper as the tests (tests/report/browser.py): Debian's chromium driven by
Playwright's Python package. Run from the repository root:

    python scripts/screenshot_report.py [OUT.png]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.report.browser import screenshot, unavailable_reason

AS_OF = "2026-11-01"  # a fixed date, so the picture only changes when the report does


def main(out: Path) -> int:
    reason = unavailable_reason()
    if reason:
        print(f"screenshot_report: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        done = subprocess.run([sys.executable, "-m", "compliance", "scan", str(REPO / "examples" / "distilled-chat"),
                               "--format", "html", "--output", str(html), "--as-of", AS_OF], cwd=tmp, check=False)
        if done.returncode not in (0, 1):
            return done.returncode
        log = screenshot(html, out)
    if log.console_errors:
        print(f"screenshot_report: console errors: {log.console_errors}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "report.png"))
