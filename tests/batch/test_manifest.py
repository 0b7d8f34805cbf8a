"""Manifests (CSV, YAML) and the reference mode: pairs as written, and errors naming file, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.batch import Defaults, read_manifest, reference_pairs
from actiondiff.errors import DatasetError, InputError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "clips").mkdir()
    for name in ("ref.mp4", "x.mp4", "y.MOV", "notes.txt", ".hidden.mp4"):
        (tmp_path / "clips" / name).write_bytes(b"")
    (tmp_path / "squat.txt").write_text("the squat is deeper\n# a comment\nthe stance is wider\n")
    return tmp_path


def test_csv_rows_with_statements_files_open_and_names(folder: Path) -> None:
    manifest = folder / "m.csv"
    manifest.write_text(
        "a,b,action,statements,open,name,description\n"
        "clips/ref.mp4,clips/x.mp4,squat,squat.txt,,,\n"
        "clips/ref.mp4, clips/y.MOV ,lunge,,4,second,a forward lunge\n"
        ",,,,,,\n"
    )
    first, second = read_manifest(manifest)
    assert first.name == "001-ref-vs-x" and first.a == folder / "clips" / "ref.mp4"
    assert first.differences == ("the squat is deeper", "the stance is wider") and first.mode == "closed"
    assert second.name == "second" and second.b == folder / "clips" / "y.MOV"
    assert (second.action, second.n_open, second.differences, second.description) == (
        "lunge",
        4,
        None,
        "a forward lunge",
    )


def test_yaml_top_level_and_command_line_fill_what_a_row_leaves_out(folder: Path) -> None:
    manifest = folder / "m.yaml"
    manifest.write_text(
        "statements: squat.txt\n"
        "pairs:\n"
        "  - {a: clips/ref.mp4, b: clips/x.mp4}\n"
        "  - {a: clips/ref.mp4, b: clips/y.MOV, action: lunge, differences: [the step is longer]}\n"
        "  - {a: clips/x.mp4, b: clips/y.MOV, open: 2}\n"
    )
    pairs = read_manifest(manifest, Defaults.given("squat", [], None))
    assert [p.action for p in pairs] == ["squat", "lunge", "squat"]
    assert pairs[0].differences == ("the squat is deeper", "the stance is wider")
    assert pairs[1].differences == ("the step is longer",)
    assert pairs[2].n_open == 2 and pairs[2].differences is None
    bare = folder / "bare.yaml"
    bare.write_text("- {a: clips/ref.mp4, b: clips/x.mp4}\n")
    (only,) = read_manifest(bare, Defaults.given("squat", [], 3))
    assert only.n_open == 3


@pytest.mark.parametrize(
    ("name", "text", "needles"),
    [
        (
            "m.csv",
            "a,b,action,open\nclips/ref.mp4,clips/x.mp4,squat,many\n",
            ["row 1 (line 2)", "field open"],
        ),
        ("m.csv", "a,b,action,open\nx.mp4,y.mp4,squat,2\nx.mp4,y.mp4,squat,0\n", ["row 2 (line 3)", "open"]),
        ("m.csv", "a,b,action\nx.mp4,,squat\n", ["row 1", "field b"]),
        ("m.csv", "a,b,colour\nx.mp4,y.mp4,red\n", ["line 1 (header)", "unknown column(s) ['colour']"]),
        ("m.csv", "a,action\nx.mp4,squat\n", ["columns 'a' and 'b' are needed"]),
        ("m.csv", "a,b,differences\nx.mp4,y.mp4,deeper\n", ["unknown column(s) ['differences']"]),
        (
            "m.csv",
            "a,b,action,open\nx.mp4,y.mp4,squat,2,extra\n",
            ["row 1 (line 2)", "more cells than columns"],
        ),
        ("m.csv", "a,b,open\nx.mp4,y.mp4,2\n", ["row 1", "field action: missing"]),
        ("m.csv", "a,b,action\nx.mp4,y.mp4,squat\n", ["row 1", "nothing to decide"]),
        ("m.csv", "a,b,action,statements,open\nx.mp4,y.mp4,squat,squat.txt,2\n", ["row 1", "not both"]),
        (
            "m.csv",
            "a,b,action,statements\nx.mp4,y.mp4,squat,none.txt\n",
            ["row 1 (line 2), field statements", "none.txt"],
        ),
        ("m.csv", "a,b,action,open,name\nx.mp4,y.mp4,squat,2,p\nx.mp4,y.mp4,squat,2,p\n", ["row 2", "row 1"]),
        ("m.csv", "a,b,action,open,name\nx.mp4,y.mp4,squat,2,../up\n", ["row 1", "field name"]),
        ("m.csv", "a,b\n", ["holds no pairs"]),
        (
            "m.yaml",
            "pairs:\n  - {a: x.mp4, b: y.mp4, action: squat, open: 2, speed: 3}\n",
            ["row 1", "speed"],
        ),
        ("m.yaml", "pairs:\n  - [x.mp4, y.mp4]\n", ["row 1", "a pair is a mapping"]),
        ("m.yaml", "pairs: {a: x.mp4}\n", ["expected a list of pairs"]),
        ("m.yaml", "colour: red\npairs: []\n", ["unknown top-level key(s) ['colour']"]),
        ("m.yaml", "open: 0\npairs: []\n", ["top level, field open"]),
        ("m.yaml", "pairs: [\n", ["not valid YAML"]),
        ("m.txt", "a,b\n", ["a manifest is a CSV or YAML file"]),
    ],
)
def test_a_bad_manifest_is_named_with_its_row_and_field(
    folder: Path, name: str, text: str, needles: list[str]
) -> None:
    manifest = folder / name
    manifest.write_text(text)
    with pytest.raises(DatasetError) as caught:
        read_manifest(manifest)
    message = str(caught.value)
    assert message.startswith(f"{manifest}: "), message
    for needle in needles:
        assert needle in message, message


def test_an_unreadable_manifest_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read the manifest"):
        read_manifest(tmp_path / "missing.csv")


def test_reference_mode_pairs_every_video_of_the_folder_with_the_reference(folder: Path) -> None:
    clips = folder / "clips"
    defaults = Defaults.given("squat", ["the squat is deeper"], None)
    pairs = reference_pairs(clips / "ref.mp4", clips, defaults)
    assert [(p.name, p.a.name, p.b.name) for p in pairs] == [
        ("x.mp4", "ref.mp4", "x.mp4"),
        ("y.MOV", "ref.mp4", "y.MOV"),
    ]
    assert all(p.differences == ("the squat is deeper",) and p.action == "squat" for p in pairs)
    outside = reference_pairs(folder / "squat.txt", clips, Defaults.given("squat", [], 3))
    assert [p.name for p in outside] == ["ref.mp4", "x.mp4", "y.MOV"] and outside[0].n_open == 3


@pytest.mark.parametrize(
    ("defaults", "where", "needle"),
    [
        (Defaults.given(None, ["s"], None), "--reference", "give the action once"),
        (Defaults.given("squat", [], None), "--reference", "nothing to decide"),
    ],
)
def test_reference_mode_needs_the_action_and_what_to_decide(
    folder: Path, defaults: Defaults, where: str, needle: str
) -> None:
    with pytest.raises(InputError, match=needle) as caught:
        reference_pairs(folder / "clips" / "ref.mp4", folder / "clips", defaults)
    assert caught.value.subject == where


def test_reference_mode_needs_a_folder_with_videos(folder: Path) -> None:
    defaults = Defaults.given("squat", [], 2)
    with pytest.raises(InputError, match="give a folder"):
        reference_pairs(folder / "clips" / "ref.mp4", folder / "squat.txt", defaults)
    (folder / "empty").mkdir()
    with pytest.raises(InputError, match="holds no videos"):
        reference_pairs(folder / "clips" / "ref.mp4", folder / "empty", defaults)


def test_statements_and_open_on_the_command_line_at_once_are_refused() -> None:
    with pytest.raises(InputError, match="not both"):
        Defaults.given("squat", ["the squat is deeper"], 3)


def test_a_spreadsheets_byte_order_mark_is_no_column(folder: Path) -> None:
    manifest = folder / "excel.csv"
    manifest.write_bytes("a,b,action,open\r\nclips/ref.mp4,clips/x.mp4,squat,2\r\n".encode("utf-8-sig"))
    (pair,) = read_manifest(manifest)
    assert pair.a.name == "ref.mp4" and pair.n_open == 2


def test_the_quantities_a_statements_file_names_reach_each_pair(folder: Path) -> None:
    """A manifest row's file and the command line's file both carry their `quantity:` names to the
    pairs (then to `compare`)."""
    (folder / "named.yaml").write_text(
        "- {text: A sits lower, quantity: depth}\n"
        "- {text: the descent is faster, quantity: descent_duration}\n"
    )
    manifest = folder / "m.yaml"
    manifest.write_text(
        "pairs:\n- {a: clips/ref.mp4, b: clips/x.mp4, action: squat, statements: named.yaml}\n"
        "- {a: clips/ref.mp4, b: clips/y.MOV, action: squat, statements: squat.txt}\n"
    )
    named, plain = read_manifest(manifest)
    assert named.named == {
        "A sits lower": ("depth", "more"),
        "the descent is faster": ("descent_duration", "less"),
    }
    assert named.arguments()["named"] == named.named
    assert plain.named == {} and plain.arguments()["named"] is None
    defaults = Defaults.given("squat", ["A sits lower"], None, named={"A sits lower": ("depth", "more")})
    (pair, *_) = reference_pairs(folder / "clips" / "ref.mp4", folder / "clips", defaults)
    assert pair.named == {"A sits lower": ("depth", "more")}
