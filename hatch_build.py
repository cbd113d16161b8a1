"""Build hook: compile the optional C extension compliance/signals/_native.c into the wheel.

The extension speeds up prompt templates and topics (compliance/signals/features.py), which the
Python code computes the same way when it is missing. So a machine without a C compiler still
installs tos-check: the build prints why it skipped the extension and makes a pure-Python wheel.
TOS_CHECK_NO_NATIVE=1 skips it on purpose.

`python hatch_build.py` builds it in place, next to the source (for a development checkout); an
editable install (`pip install -e .`) does the same.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCE = ROOT / "compliance" / "signals" / "_native.c"
TARGET = "compliance/signals/_native" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")


def compile_extension(out: Path) -> str | None:
    """Compile SOURCE into `out`; None on success, else why not."""
    if os.environ.get("TOS_CHECK_NO_NATIVE"):
        return "TOS_CHECK_NO_NATIVE is set"
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").exists():
        return f"no Python.h in {include}"
    cmd = [*cc, "-O2", "-shared", "-fPIC", "-std=c11", "-I", include, str(SOURCE), "-o", str(out)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{cc[0]}: {exc}"
    if done.returncode != 0:
        return f"{' '.join(cmd)} failed: {done.stderr.strip()[-2000:]}"
    return None


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class NativeBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        self._scratch: str | None = None
        if self.target_name != "wheel":
            return
        # An editable install imports the package from this checkout, so the extension goes next
        # to its source; a wheel carries it.
        editable = version == "editable"
        if not editable:
            self._scratch = tempfile.mkdtemp(prefix="tos-check-native-")
        out = ROOT / TARGET if editable else Path(self._scratch) / Path(TARGET).name  # type: ignore[arg-type]
        why = compile_extension(out)
        if why is not None:
            print(f"tos-check: building without the optional C extension ({why}); the Python code is used instead",
                  file=sys.stderr)
            return
        if not editable:
            build_data["force_include"][str(out)] = TARGET
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:  # noqa: ARG002
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


if __name__ == "__main__":
    why = compile_extension(ROOT / TARGET)
    if why is not None:
        sys.exit(f"not built: {why}")
    print(f"built {TARGET}")
