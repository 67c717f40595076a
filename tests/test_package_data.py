"""Every template and data file ships in the wheel: ``package-data`` in pyproject.toml names
it (``templates/*`` does not reach ``templates/site/``: an installed randcheck could not
build the site)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "randcheck"


def test_package_data_names_every_template_and_data_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["randcheck"]
    shipped = {p for pattern in patterns for p in PACKAGE.glob(pattern) if p.is_file()}
    needed = {
        p
        for folder in ("templates", "data")
        for p in (PACKAGE / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert needed, "no template or data file found"
    assert sorted(str(p.relative_to(PACKAGE)) for p in needed - shipped) == []


VERIFIER = ("verifier/page.html", "verifier/js/*.js", "verifier/vendor/*")


def test_package_data_names_the_browser_verifier() -> None:
    """The page, every script file and the vendored libraries with their licence and README:
    an installed randcheck writes verify.html/verify.js into bundles and the standalone page."""
    from randcheck import verifier

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["randcheck"]
    shipped = {p for pattern in patterns for p in PACKAGE.glob(pattern) if p.is_file()}
    needed = {p for p in (PACKAGE / "verifier").rglob("*") if p.is_file()
              and "__pycache__" not in p.parts and p.suffix != ".py"}  # fmt: skip
    assert {PACKAGE / "verifier" / "js" / s for s in verifier.SOURCES} <= needed
    assert {"noble.js", "LICENSE.noble", "README.md"} <= {p.name for p in needed}
    assert sorted(str(p.relative_to(PACKAGE)) for p in needed - shipped) == []


def _copy_project(dest: Path) -> Path:
    """pyproject.toml, setup.py and the package, copied so that setuptools writes nothing
    (egg-info, build/) into the working tree."""
    import shutil

    dest.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(PACKAGE, dest / "randcheck",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))  # fmt: skip
    return dest


def test_the_built_package_and_the_sdist_carry_the_verifier(tmp_path: Path) -> None:
    """What setuptools really builds (build_py: the wheel's files; sdist), and the built
    package writes the same verifier as the source tree."""
    import subprocess
    import sys
    import tarfile

    from randcheck import verifier

    project = _copy_project(tmp_path / "project")
    lib, dist = tmp_path / "lib", tmp_path / "dist"
    for args in (["build_py", "--build-lib", str(lib)], ["sdist", "--dist-dir", str(dist)]):
        run = subprocess.run([sys.executable, "setup.py", "-q", *args], cwd=project,
                             capture_output=True, text=True, check=False)  # fmt: skip
        assert run.returncode == 0, run.stderr
    built = lib / "randcheck" / "verifier"
    for source in verifier.SOURCES:
        assert (built / "js" / source).is_file(), source
    assert (built / "page.html").is_file() and (built / "vendor" / "noble.js").is_file()
    assert (built / "vendor" / "LICENSE.noble").is_file()
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"randcheck/verifier/page.html", "randcheck/verifier/vendor/noble.js",
            "randcheck/verifier/vendor/LICENSE.noble"} <= names  # fmt: skip
    assert {f"randcheck/verifier/js/{s}" for s in verifier.SOURCES} <= names
    page = subprocess.run(
        [sys.executable, "-c", "import hashlib, randcheck.verifier as v, sys; "
         "sys.stdout.write(v.__file__ + ' ' + v.page_sha256())"],
        cwd=tmp_path, env={"PYTHONPATH": str(lib), "PATH": ""}, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert page.returncode == 0, page.stderr
    where, digest = page.stdout.split(" ")
    assert Path(where).is_relative_to(lib) and digest == verifier.page_sha256()
