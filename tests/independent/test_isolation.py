"""The independent verifier needs nothing from randcheck: it imports no randcheck module and
opens no file under the randcheck package while it checks every SPEC §13 vector.

It runs in a fresh interpreter whose audit hook (PEP 578) records every ``import`` and
``open`` event; the test then fails on any module named ``randcheck`` or ``randcheck.*`` and
on any opened path inside the package folder.  A control run proves the hook sees such a use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "randcheck"
VECTORS = ROOT / "tests" / "vectors"

# Run in a child interpreter: argv[1] = the statement that uses the verifier.
HARNESS = r"""
import json, os, sys
events = {"import": [], "open": []}

def hook(event, args):
    if event == "import":
        events["import"].append(str(args[0]))
    elif event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        events["open"].append(os.path.realpath(os.fsdecode(args[0])))

sys.addaudithook(hook)
result = None
exec(sys.argv[1])
print(json.dumps({"events": events, "modules": sorted(sys.modules), "result": result}))
"""

RUN_VERIFIER = f"""
from pathlib import Path
vectors = {{p.name: json.loads(p.read_text(encoding="utf-8"))
           for p in sorted(Path({str(VECTORS)!r}).glob("*.json"))}}
from tests.independent import logcheck
result = logcheck.check_vectors(vectors)
"""


def run(statement: str) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + HARNESS,
         statement],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def uses_of_randcheck(out: dict) -> list[str]:  # type: ignore[type-arg]
    package = str(PACKAGE.resolve())
    names = set(out["events"]["import"]) | set(out["modules"])
    bad = sorted(n for n in names if n == "randcheck" or n.startswith("randcheck."))
    bad += sorted(p for p in out["events"]["open"] if p == package or p.startswith(package + "/"))
    return bad


def test_independent_verifier_uses_nothing_of_randcheck() -> None:
    out = run(RUN_VERIFIER)
    assert uses_of_randcheck(out) == []
    # It did the work (so the empty list means something) and the hook saw it happen.
    assert out["result"]["log.proofs"] == "ok" and out["result"]["cap.refused"] == "ok"
    assert out["result"]["logtail.roots"] == "ok"
    assert "tests.independent.verifier" in out["events"]["import"]
    assert "cryptography" in out["modules"]
    here = str(ROOT / "tests" / "independent")  # its source, or its cached bytecode
    assert any(p.startswith(here) and "verifier" in p for p in out["events"]["open"])


def test_the_hook_catches_a_randcheck_import() -> None:
    out = run("import randcheck.core.draw.spec\nresult = 1")
    found = uses_of_randcheck(out)
    assert "randcheck.core.draw.spec" in found
    assert any(p.startswith(str(PACKAGE / "core" / "draw")) and "spec" in p for p in found)


def test_the_hook_catches_reading_a_randcheck_file() -> None:
    out = run(f"open({str(PACKAGE / 'core' / 'draw' / 'drand.py')!r}).read(10)\nresult = 1")
    assert uses_of_randcheck(out) == [str((PACKAGE / "core" / "draw" / "drand.py").resolve())]
