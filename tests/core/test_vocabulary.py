"""The inspection-result vocabulary: shipped terms, lookup, result cells, extensions, and
strict reading of vocabulary documents."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randcheck.catalog import render
from randcheck.core.canonical import canonical, parse
from randcheck.core.vocabulary import (
    SHIPPED_FILE,
    Term,
    Vocabulary,
    load_extension,
    normalise,
    shipped,
)
from randcheck.errors import InputError, NotFoundError

V = shipped()
TEXT = {t.code: t.text for t in V.terms}
ROOT = Path(__file__).resolve().parents[2]


def codes_of(problems: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return [code for _, code, _ in problems]


def renders(err: InputError, *needles: str) -> None:
    """The error's message renders fully (no placeholder left) in both languages."""
    for lang in ("zh", "en"):
        text = render(err.code, lang, **err.params)
        assert "{" not in text, text
        for needle in needles:
            assert needle in text, (needle, text)


# --------------------------------------------------------------------------- shipped data


def test_shipped_document_is_the_data_file() -> None:
    raw = (ROOT / SHIPPED_FILE).read_bytes()
    assert V.document() == json.loads(raw.decode("utf-8"))
    assert V.id == "randcheck/result-vocabulary/zj-2017/v1"
    assert V.title == "市场监管领域随机抽查检查结果（浙江综合抽查用语）"
    assert V.source
    assert V.digest == hashlib.sha256(canonical(V.document())).hexdigest()
    assert shipped() is V  # cached


def test_shipped_terms_follow_the_table() -> None:
    assert [t.code for t in V.terms] == [
        "1", "A", "2", "B", "C", "6", "D", "3", "4", "5", "G",
        "E", "F", "7", "8", "9", "10", "11", "12", "H", "I",
    ]  # fmt: skip
    assert {t.code for t in V.terms if t.exclusive} == {"1", "6", "F", "7", "9", "10", "11", "12"}
    parents = {t.code: t.parent for t in V.terms if t.parent is not None}
    assert parents == {
        "2": "A", "B": "2", "C": "2", "6": "2", "D": "2", "3": "A", "4": "A", "5": "A",
        "G": "A", "H": "B", "I": "B",
    }  # fmt: skip
    assert V.ancestors("H") == ("B", "2", "A")
    assert V.ancestors("1") == ()
    assert TEXT["6"] == "通过登记的住所（经营场所）无法联系"


@pytest.mark.parametrize("term", V.terms, ids=lambda t: t.code)
def test_every_shipped_term_resolves_by_code_text_and_alias(term: Term) -> None:
    for word in (term.code, term.text, *term.aliases):
        assert V.lookup(word) is term
        assert V.lookup(f"  {word} ") is term
        assert V.lookup(" ".join(word)) is term  # spaces anywhere do not matter
    assert V.parse_terms(term.text) == ([term.text], [])


def test_lookup_ignores_bracket_width_spaces_and_full_width_forms() -> None:
    six = V.lookup("6")
    assert six is not None
    for word in (
        "通过登记的住所(经营场所)无法联系",
        "通过登记的住所（经营场所)无法联系",
        "通过登记的住所 ( 经营场所 ) 无法联系",
        "通过登记的住所\u3000（经营场所）无法联系",  # ideographic space
        "通过登记的住所无法联系",
        "６",
    ):
        assert V.lookup(word) is six, word
    assert V.lookup("Ａ") is V.lookup("A")
    assert V.lookup("１０") is V.lookup("10")
    assert V.lookup("\ufeff注销\u200b") is V.lookup("9")  # a BOM or zero-width space from Excel
    assert V.lookup("") is None
    assert V.lookup("未发现问题了") is None
    assert V.lookup("13") is None


def test_e_aliases_all_mean_ordered_and_corrected() -> None:
    for word in ("E", "发现问题经责令已改正", "发现问题已责令改正", "已责令改正", "经责令已改正"):
        term = V.lookup(word)
        assert term is not None and term.text == "发现问题经责令已改正", word


def test_other_aliases() -> None:
    assert V.lookup("未发现开展本次抽查涉及的生产经营活动") is V.lookup("F")
    assert V.lookup("未发现本次抽查涉及的生产经营活动") is V.lookup("F")
    assert V.lookup("不予配合情节严重") is V.lookup("8")
    assert V.lookup("已办理营业执照注销") is V.lookup("9")
    assert V.lookup("被吊销营业执照") is V.lookup("10")
    assert V.lookup("被撤销登记") is V.lookup("11")
    assert V.lookup("未按规定公示年报") is V.lookup("H")


# --------------------------------------------------------------------------- result cells


@pytest.mark.parametrize("sep", ["、", ",", "，", ";", "；", "|", "\n", "\r\n", "\r", "｜"])
def test_cell_splits_on_every_separator(sep: str) -> None:
    assert V.parse_terms(f"B{sep}E") == ([TEXT["B"], TEXT["E"]], [])


def test_cell_terms_come_in_vocabulary_order_whatever_the_cell_order() -> None:
    expected = [TEXT["C"], TEXT["3"], TEXT["E"], TEXT["8"]]
    assert V.parse_terms("8、E、3、C") == (expected, [])
    assert V.parse_terms("违反食品药品管理相关规定；不予配合情节严重,C|已责令改正") == (
        expected,
        [],
    )


def test_duplicates_collapse_silently() -> None:
    assert V.parse_terms("E、已责令改正、发现问题已责令改正,E") == ([TEXT["E"]], [])
    assert V.parse_terms("注销、9、已办理营业执照注销") == ([TEXT["9"]], [])  # exclusive, alone


def test_empty_pieces_are_ignored() -> None:
    assert V.parse_terms("、B、、 ,E\n") == ([TEXT["B"], TEXT["E"]], [])


@pytest.mark.parametrize("cell", ["", "   ", "、", " , ；\n|"])
def test_empty_cell(cell: str) -> None:
    assert V.parse_terms(cell) == ([], [("", "results.no_terms", {})])


def test_unknown_term_with_closest_texts() -> None:
    terms, problems = V.parse_terms("B、未发现问提")
    assert terms == [TEXT["B"]]
    assert len(problems) == 1
    word, code, params = problems[0]
    assert (word, code, params["term"]) == ("未发现问提", "results.unknown_term", "未发现问提")
    hints = params["hint"].split("、")
    assert hints[0] == "未发现问题"
    assert 1 <= len(hints) <= 3 and all(h in TEXT.values() for h in hints)
    for lang in ("zh", "en"):
        text = render(code, lang, **params)
        assert "未发现问提" in text and "未发现问题" in text


def test_unknown_hint_uses_aliases() -> None:
    _, problems = V.parse_terms("已责令整改")
    assert problems[0][2]["hint"].split("、")[0] == TEXT["E"]


def test_exclusive_term_must_stand_alone() -> None:
    terms, problems = V.parse_terms("注销、B")
    assert terms == [TEXT["B"], TEXT["9"]]
    assert problems == [("注销", "results.exclusive_term", {"term": TEXT["9"]})]
    _, problems = V.parse_terms("1;12")
    assert problems == [
        ("1", "results.exclusive_term", {"term": TEXT["1"]}),
        ("12", "results.exclusive_term", {"term": TEXT["12"]}),
    ]


def test_unknown_words_do_not_count_against_exclusive_terms() -> None:
    _, problems = V.parse_terms("1、xyz")
    assert codes_of(problems) == ["results.unknown_term"]


def test_term_with_its_ancestor_is_an_error() -> None:
    terms, problems = V.parse_terms("A、B")
    assert terms == [TEXT["A"], TEXT["B"]]
    assert problems == [("A", "results.term_with_parent", {"term": TEXT["B"], "parent": TEXT["A"]})]
    _, problems = V.parse_terms("未按规定公示年报、违反工商行政管理相关规定")  # H under B under 2
    assert problems == [
        (TEXT["2"], "results.term_with_parent", {"term": TEXT["H"], "parent": TEXT["2"]})
    ]
    # siblings are fine, and so are several terms under one parent
    assert V.parse_terms("C、D、H、I、3、E")[1] == []


def test_exclusive_term_with_its_parent_reports_both() -> None:
    _, problems = V.parse_terms("6、2")
    assert sorted(codes_of(problems)) == ["results.exclusive_term", "results.term_with_parent"]


def test_every_problem_renders_in_both_languages() -> None:
    for cell in ("xyz", "1、2", "A、2", ""):
        for _, code, params in V.parse_terms(cell)[1]:
            for lang in ("zh", "en"):
                text = render(code, lang, **params)
                assert "{" not in text and code not in text


SPELLINGS = [w for t in V.terms for w in (t.code, t.text, *t.aliases)]
UNKNOWN = ["xyz", "未发现问提", "13", "违反规定"]


@given(
    words=st.lists(st.sampled_from(SPELLINGS + UNKNOWN), min_size=1, max_size=8),
    seps=st.lists(st.sampled_from(["、", ",", "；", "|", "\n", " ， "]), min_size=8, max_size=8),
    data=st.data(),
)
def test_cell_order_never_changes_the_parse(
    words: list[str], seps: list[str], data: st.DataObject
) -> None:
    def cell(ws: list[str]) -> str:
        return "".join(w + s for w, s in zip(ws, seps, strict=False))

    expected = V.parse_terms(cell(words))
    shuffled = data.draw(st.permutations(words))
    assert V.parse_terms(cell(shuffled)) == expected
    order = [t.text for t in V.terms]
    assert expected[0] == sorted(expected[0], key=order.index)
    assert set(expected[0]) == {t.text for w in words if (t := V.lookup(w)) is not None}


# --------------------------------------------------------------------------- extensions

EXT: dict[str, Any] = {
    "terms": [
        {
            "code": "J",
            "text": "违反广告管理相关规定",
            "parent": "2",
            "exclusive": False,
            "aliases": ["违反广告管理规定"],
        },
        {
            "code": "K1",
            "text": "虚假广告",
            "parent": "J",
            "exclusive": False,
            "aliases": [],
        },
    ]
}


def test_extend_adds_terms_with_a_new_id_and_digest() -> None:
    ext = V.extend(EXT, file="本局.json")
    ext_digest = hashlib.sha256(canonical(EXT)).hexdigest()
    assert ext.id == f"{V.id}+{ext_digest[:12]}"
    assert re.fullmatch(re.escape(V.id) + r"\+[0-9a-f]{12}", ext.id)
    assert ext.digest != V.digest
    assert ext.terms[: len(V.terms)] == V.terms
    assert [t.code for t in ext.terms[len(V.terms) :]] == ["J", "K1"]
    assert ext.lookup("违反广告管理规定") is ext.lookup("J")
    assert ext.ancestors("K1") == ("J", "2", "A")
    assert ext.parse_terms("虚假广告、J") == (
        ["违反广告管理相关规定", "虚假广告"],
        [("J", "results.term_with_parent", {"term": "虚假广告", "parent": "违反广告管理相关规定"})],
    )
    # the base is unchanged, and an extended vocabulary round-trips through its document
    assert V.lookup("J") is None
    again = Vocabulary.from_document(parse(canonical(ext.document())))
    assert again == ext and again.digest == ext.digest
    # the same extension always gives the same id; a different one a different id
    assert V.extend(copy.deepcopy(EXT)).id == ext.id
    other = copy.deepcopy(EXT)
    other["terms"][1]["exclusive"] = True
    assert V.extend(other).id != ext.id


@pytest.mark.parametrize(
    ("field", "value", "clash"),
    [
        ("code", "1", "1"),
        ("aliases", ["１"], "１"),  # full-width 1
        ("text", "未发现问题", "未发现问题"),
        ("text", "通过登记的住所(经营场所)无法联系", "通过登记的住所(经营场所)无法联系"),
        ("text", "已责令 改正", "已责令 改正"),  # an existing alias, spaced
        ("aliases", ["注销"], "注销"),
        ("aliases", ["H"], "H"),
    ],
)
def test_extend_refuses_a_clash(field: str, value: Any, clash: str) -> None:
    ext = copy.deepcopy(EXT)
    ext["terms"][0][field] = value
    with pytest.raises(InputError) as exc:
        V.extend(ext, file="本局.json")
    assert exc.value.code == "results.vocabulary_clash"
    assert exc.value.params == {"term": clash, "file": "本局.json"}
    renders(exc.value, clash, "本局.json")


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["terms"][0].update(parent="Z"),  # unknown parent
        lambda e: e["terms"][0].update(parent="K1") or e["terms"][1].update(parent="J"),  # cycle
        lambda e: e["terms"][1].update(code="J"),  # duplicate within the extension
        lambda e: e["terms"][1].update(text="违反广告管理规定"),  # another new term's alias
        lambda e: e["terms"][0].pop("aliases"),
        lambda e: e.update(id="x"),
        lambda e: e.update(terms=[]),
        lambda e: e.update(terms={"J": {}}),
    ],
    ids=["unknown-parent", "cycle", "dup-code", "dup-text", "missing-field", "extra-key",
         "no-terms", "terms-not-list"],
)  # fmt: skip
def test_extend_refuses_a_bad_extension(change: Any) -> None:
    ext = copy.deepcopy(EXT)
    change(ext)
    with pytest.raises(InputError) as exc:
        V.extend(ext, file="本局.json")
    assert exc.value.code == "results.bad_vocabulary"
    assert exc.value.params["file"] == "本局.json" and exc.value.params["reason"]
    renders(exc.value, "本局.json")


def test_extend_without_file_still_renders() -> None:
    ext = copy.deepcopy(EXT)
    ext["terms"][0]["parent"] = "Z"
    with pytest.raises(InputError) as exc:
        V.extend(ext)
    assert exc.value.params["file"] == ""
    renders(exc.value, "'Z'")


def test_load_extension(tmp_path: Path) -> None:
    path = tmp_path / "本局用语.json"
    path.write_text(json.dumps(EXT, ensure_ascii=False, indent=1), encoding="utf-8")
    assert load_extension(path) == V.extend(EXT)


@pytest.mark.parametrize(
    "data",
    [
        b"{",
        b'{"terms": [}',
        '{"terms": []}'.encode("utf-16"),
        b'{"terms": [{"code": "J", "text": "\xff"}]}',
        b'{"terms": 1.5}',
        b'{"terms": [], "terms": []}',
        b"[" * 100 + b"]" * 100,
    ],
    ids=["truncated", "syntax", "utf16", "bad-utf8", "float", "dup-key", "deep"],
)
def test_load_extension_refuses_unreadable_json(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ext.json"
    path.write_bytes(data)
    with pytest.raises(InputError) as exc:
        load_extension(path)
    assert exc.value.code == "results.bad_vocabulary"
    assert exc.value.params["file"] == "ext.json"
    renders(exc.value, "ext.json")


def test_load_extension_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_extension(tmp_path / "none.json")


# --------------------------------------------------------------------------- documents


def _term(code: str, text: str, **kw: Any) -> dict[str, Any]:
    return {"code": code, "text": text, "parent": None, "exclusive": False, "aliases": []} | kw


def good() -> dict[str, Any]:
    return {
        "id": "test/v1",
        "title": "测试",
        "terms": [_term("1", "甲"), _term("2", "乙", parent="1", aliases=["乙乙"])],
    }


def test_a_good_document_reads_and_source_is_optional() -> None:
    v = Vocabulary.from_document(good())
    assert v.document() == good()
    with_source = good() | {"source": "笔记"}
    assert Vocabulary.from_document(with_source).document() == with_source


def _set(path: str, value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        target[int(last) if last.isdigit() else last] = value

    return change


def _drop(path: str) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        del target[last]

    return change


MALFORMED = {
    "missing-id": _drop("id"),
    "missing-title": _drop("title"),
    "missing-terms": _drop("terms"),
    "extra-key": _set("version", 1),
    "id-not-string": _set("id", 1),
    "id-empty": _set("id", " "),
    "title-control-char": _set("title", "测\x00试"),
    "source-not-string": _set("source", ["x"]),
    "terms-not-list": _set("terms", {"1": "甲"}),
    "terms-empty": _set("terms", []),
    "term-not-object": _set("terms.0", "甲"),
    "term-missing-field": _drop("terms.0.exclusive"),
    "term-extra-field": _set("terms.0.note", ""),
    "code-not-string": _set("terms.0.code", 1),
    "code-with-space": _set("terms.0.code", "A 1"),
    "code-chinese": _set("terms.0.code", "甲"),
    "code-full-width": _set("terms.0.code", "Ａ"),
    "text-not-string": _set("terms.0.text", None),
    "text-empty": _set("terms.0.text", "\u3000"),
    "text-with-separator": _set("terms.0.text", "甲、丙"),
    "text-with-full-width-comma": _set("terms.0.text", "甲，丙"),
    "text-with-line-break": _set("terms.0.text", "甲\n丙"),
    "text-bidi": _set("terms.0.text", "甲\u202e丙"),
    "exclusive-int": _set("terms.0.exclusive", 1),
    "exclusive-string": _set("terms.0.exclusive", "true"),
    "parent-int": _set("terms.1.parent", 1),
    "parent-unknown": _set("terms.1.parent", "9"),
    "parent-self": _set("terms.0.parent", "1"),
    "parent-cycle": _set("terms.0.parent", "2"),
    "aliases-not-list": _set("terms.1.aliases", "乙乙"),
    "alias-not-string": _set("terms.1.aliases", [2]),
    "alias-empty": _set("terms.1.aliases", [""]),
    "alias-is-own-text": _set("terms.1.aliases", ["乙 "]),
    "alias-twice": _set("terms.1.aliases", ["丙", "丙"]),
    "alias-is-other-text": _set("terms.1.aliases", ["甲"]),
    "alias-is-a-code": _set("terms.1.aliases", ["１"]),
    "duplicate-code": _set("terms.1.code", "1"),
    "duplicate-text": _set("terms.1.text", "甲"),
    "text-is-other-code": _set("terms.1.text", "1"),
    "brackets-differ-only": lambda d: (
        d["terms"][0].update(text="住所（经营场所）"),
        d["terms"][1].update(text="住所(经营场所)"),
    ),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_from_document_rejects_malformed(change: Any) -> None:
    doc = good()
    change(doc)
    with pytest.raises(InputError) as exc:
        Vocabulary.from_document(doc, file="用语.json")
    assert exc.value.code == "results.bad_vocabulary"
    assert exc.value.params["file"] == "用语.json"
    assert exc.value.params["reason"]
    renders(exc.value, "用语.json")


@pytest.mark.parametrize("doc", [[], "x", None, 1])
def test_from_document_rejects_a_non_object(doc: Any) -> None:
    with pytest.raises(InputError) as exc:
        Vocabulary.from_document(doc)
    assert exc.value.code == "results.bad_vocabulary"
    renders(exc.value)


def test_constructing_an_inconsistent_vocabulary_directly_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        Vocabulary("x", "x", (Term("1", "甲", "2", False, ()),))
    assert exc.value.code == "results.bad_vocabulary"


# --------------------------------------------------------------------------- digest stability

_CJK = "甲乙丙丁戊己庚辛壬癸检查结果发现问题（）() \u3000Ａ１"


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 6))
    codes = draw(
        st.lists(st.from_regex(r"[0-9A-Z]{1,3}", fullmatch=True), min_size=n, max_size=n,
                 unique=True)
    )  # fmt: skip
    taken = set(codes)
    words = draw(
        st.lists(
            st.text(_CJK, min_size=1, max_size=5).filter(
                lambda w: bool(normalise(w)) and normalise(w) not in taken
            ),
            min_size=n,
            max_size=3 * n,
            unique_by=normalise,
        )
    )
    texts, spare = words[:n], words[n:]
    terms = []
    for i, code in enumerate(codes):
        k = draw(st.integers(0, len(spare)))
        aliases, spare = spare[:k], spare[k:]
        parent = draw(st.sampled_from([None, *codes[:i]]))  # earlier terms: never a cycle
        exclusive = draw(st.booleans())
        terms.append(_term(code, texts[i], parent=parent, exclusive=exclusive, aliases=aliases))
    doc: dict[str, Any] = {
        "id": draw(st.sampled_from(["t/v1", "测试/v2"])),
        "title": draw(st.text("甲乙丙（）()Ａ１", min_size=1, max_size=8)),
        "terms": draw(st.permutations(terms)),  # parents may come later in the list
    }
    if draw(st.booleans()):
        doc["source"] = draw(st.text(_CJK, max_size=8))
    return doc


@given(documents())
def test_digest_survives_canonical_round_trip(doc: dict[str, Any]) -> None:
    v = Vocabulary.from_document(doc)
    data = canonical(v.document())
    again = Vocabulary.from_document(parse(data))
    assert again == v
    assert again.digest == v.digest == hashlib.sha256(data).hexdigest()
    assert canonical(again.document()) == data
    for t in v.terms:  # and every word still finds its term
        for word in (t.code, t.text, *t.aliases):
            assert again.lookup(word) == t


def test_shipped_digest_survives_canonical_round_trip() -> None:
    again = Vocabulary.from_document(parse(canonical(V.document())))
    assert again == V and again.digest == V.digest
