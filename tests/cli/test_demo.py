"""`randcheck demo`: the README's main job, end to end on generated data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from randcheck.bundle import layout
from tests.conftest import Cli


def test_demo_runs_the_whole_story_and_verifies(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    r = cli("demo", "--out", str(out), "--entities", "2000", lang="zh")
    assert r.exit_code == 0, r.output
    bundle = out / "publish" / "DEMO-2023-001"
    for name in (
        "index.html",
        "record.json",
        "announcement.json",
        "results.xlsx",
        "SHA256SUMS",
        "inspection-results.csv",
        "results/0001.json",
    ):
        assert (bundle / name).is_file(), name
    assert "演示完成" in r.stdout and str(bundle) in r.stdout
    # the office's public site: the published draw copied in, its manifest signed by the office
    site = out / "publish" / "site"
    assert str(site / "index.html") in r.stdout
    sums = (site / "SHA256SUMS").read_bytes()
    listed = layout.parse_sums(sums)
    assert "tasks/DEMO-2023-001/bundle/record.json" in listed
    assert (site / "tasks/DEMO-2023-001/bundle/record.json").read_bytes() == (
        bundle / "record.json"
    ).read_bytes()
    assert all(hashlib.sha256((site / p).read_bytes()).hexdigest() == d for p, d in listed.items())
    # the page of a v2 draw names v2, and says the commitment (not the office) fixed the round
    page = (bundle / "index.html").read_text("utf-8")
    assert "randcheck/draw/v2" in page and "randcheck/draw/v1" not in page
    assert "轮次不由机关选择，由熵承诺确定" in page and "即第 657413 轮" in page
    start = page.index('id="commitment"')
    commitment = page[start : page.index("</table>", start)]
    assert "<bdi>张伟</bdi>、<bdi>李娜</bdi>" in commitment  # the declared witnesses who co-signed
    assert "模拟时钟" in r.stderr  # the simulated clock is said on screen
    assert "drand 第 None 轮" not in r.stderr and "None" not in r.stderr  # C: v2 names no round
    assert "drand 轮次将由熵承诺决定" in r.stderr
    # the bundle verifies again, from outside, with the office key and the witnesses' own keys
    # (A2: a witness key the reader does not trust leaves commitment.witnesses unverified)
    pub = out / "keys" / "office.pub"
    witnesses = [out / "witness-keys" / f"{n}.pub" for n in ("zhangwei", "lina")]
    alone = cli("verify", str(bundle), "--trusted-keys", str(pub), "--json")
    assert alone.exit_code == 4, alone.output
    # second review 4: witness keys go with --witness-keys, --trusted-keys is the office's only
    opts = [a for w in witnesses for a in ("--witness-keys", str(w))]
    printed = " ".join(r.stdout.split())
    command_line, browser_line = printed[printed.rindex("randcheck verify ") :].split(" 或在浏览器中打开 ")
    command = command_line.split()
    # the browser route: the bundle's own verify.html, with the same key files
    assert browser_line.startswith(f"{bundle}/verify.html")
    assert (bundle / "verify.html").is_file() and (bundle / "verify.js").is_file()
    assert command[2:] == [str(bundle), "--trusted-keys", str(bundle / "keys" / "operator.pub"),
                           *opts]  # fmt: skip
    run = cli(*command[1:], lang="zh")  # the printed command, as a reader would type it
    assert run.exit_code == 0, run.output
    assert "全部" in run.stderr and "项检查通过" in run.stderr
    v = cli(*command[1:], "--json", lang="zh")
    assert v.exit_code == 0, v.output
    trust = next(c for c in json.loads(v.stdout)["checks"] if c["name"] == "trust")
    assert trust["params"]["count"] == 1  # the office key only, not the witnesses'
    assert trust["message"].startswith("1 个可信的机关公钥")
    v = cli("verify", str(bundle), "--trusted-keys", str(pub), *opts, "--json")
    assert v.exit_code == 0, v.output
    # a witness key given as an office key is no witness key: unconfirmed, and the summary
    # names --witness-keys
    mixed = cli("verify", str(bundle), "--trusted-keys", str(pub),
                *[a for w in witnesses for a in ("--trusted-keys", str(w))], lang="en")  # fmt: skip
    assert mixed.exit_code == 4, mixed.output
    assert "--witness-keys" in " ".join(mixed.stderr.split())
    # inside the demo workspace the registered witness keys are trusted: passed
    inside = Cli(out, cli.db_url)("verify", str(bundle))
    assert inside.exit_code == 0, inside.output
    report = json.loads(v.stdout)
    assert report["ok"] and report["task_id"] == "DEMO-2023-001"
    assert {
        "entropy",
        "seed",
        "teams",
        "log.record",
        "files.signature",
        "inspection.documents",
        "inspection.table",
    } <= {c["name"] for c in report["checks"]}
    # the demo's own log is intact
    lv = Cli(out, cli.db_url)("log", "verify")  # the demo used the --db it was given
    assert lv.exit_code == 0, lv.output
    # that database now holds the demo: a second demo into it is refused, nothing touched
    before = sorted(p.name for p in out.iterdir())
    again = cli("demo", "--out", str(tmp_path / "other"), lang="en")
    assert again.exit_code == 1 and "fresh database" in again.stderr
    assert sorted(p.name for p in out.iterdir()) == before
    assert not (tmp_path / "other").exists()


def test_demo_replaces_an_earlier_demo_but_never_other_folders(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    own_db = {"RANDCHECK_DATABASE_URL": ""}  # no --db: SQLite inside the demo folder
    assert cli("demo", "--out", str(out), "--entities", "500", env=own_db).exit_code == 0
    assert (out / "db" / "randcheck.sqlite").is_file()
    first = (out / "publish" / "DEMO-2023-001" / "record.json").read_bytes()
    assert cli("demo", "--out", str(out), "--entities", "500", env=own_db).exit_code == 0
    # a fresh workspace: a new secret nonce gives a new record
    assert (out / "publish" / "DEMO-2023-001" / "record.json").read_bytes() != first

    busy = tmp_path / "mine"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me", "utf-8")
    r = cli("demo", "--out", str(busy), lang="en", env=own_db)
    assert r.exit_code == 1
    assert "not empty" in r.stderr
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
