"""A batch of real clips with broken files among them: failures recorded, the rest as single `compare`
runs give, each video posed once, outputs complete, and a killed run resumed without loss or duplicate."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from markupsafe import escape

from actiondiff import compare
from actiondiff.batch import read_manifest, run_batch
from actiondiff.batch.outputs import COLUMNS, result_rows
from actiondiff.config import Config
from actiondiff.models import ComparisonResult
from actiondiff.storage import read_jsonl
from tests.batch.conftest import BROKEN, STATEMENTS, Season, timeless, write_season


def _outputs(season: Season) -> dict[str, dict[str, object]]:
    return {pair.name: output for pair, output in zip(season.pairs, season.outcome.outputs, strict=True)}


def test_broken_pairs_are_recorded_with_their_reason_and_the_rest_compared(season: Season) -> None:
    outputs = _outputs(season)
    assert {name for name, o in outputs.items() if o["status"] == "failed"} == set(BROKEN)
    for name, reason in BROKEN.items():
        error = str(outputs[name]["error"])
        assert reason in error, error
        assert "/clips/" in error, "the reason names the file"
    assert season.outcome.summary["compared"] == 3 and season.outcome.summary["failed"] == 3
    failures = {f["pair"]: f["error"] for f in season.outcome.summary["failures"]}
    assert failures == {name: outputs[name]["error"] for name in BROKEN}


def test_every_compared_pair_is_what_a_single_compare_gives(season: Season, offline_config: Config) -> None:
    """Against `compare` run alone with another cache (where the pose may be computed afresh)."""
    for pair in season.pairs:
        if pair.name in BROKEN:
            continue
        single = compare(**pair.arguments(), config=offline_config)
        stored = ComparisonResult.model_validate_json(
            (season.output / "pairs" / pair.name / "result.json").read_text()
        )
        assert stored.model_dump_json(exclude={"created_at"}) == single.model_dump_json(
            exclude={"created_at"}
        )
        rows = _outputs(season)[pair.name]["rows"]
        assert rows == result_rows(pair, single)


def test_each_distinct_video_is_posed_once(season: Season) -> None:
    """ref.mp4 and ref-copy.mp4 hold the same bytes: one video. Unreadable files are tried once."""
    posed = [r["output"] for r in read_jsonl(season.output / "poses.jsonl")]
    names = sorted(Path(o["video"]).name for o in posed)
    assert names == ["b.mp4", "empty.mp4", "nobody.mp4", "notes.mp4", "person.mp4", "ref.mp4"]
    assert sorted(o["status"] for o in posed) == ["failed", "failed", "ok", "ok", "ok", "ok"]
    nobody = next(o for o in posed if o["video"].endswith("nobody.mp4"))
    assert nobody["detected"] == 0 < nobody["frames"]
    assert len(list((season.config.cache_dir / "pose").iterdir())) == 4, (
        "the compare phase posed nothing again"
    )


def test_the_table_has_a_row_per_pair_and_statement_in_csv_and_parquet(season: Season) -> None:
    with (season.output / "table.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    table = pq.read_table(season.output / "table.parquet")
    assert table.column_names == list(COLUMNS) == list(rows[0])
    assert table.num_rows == len(rows)
    by_pair: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_pair.setdefault(row["pair"], []).append(row)
    assert list(by_pair) == [p.name for p in season.pairs], "pairs in manifest order"
    assert [r["statement"] for r in by_pair["deep"]] == STATEMENTS
    depth = by_pair["deep"][0]
    assert (
        depth["label"] == "A" and depth["unit"] == "deg" and float(depth["value_a"]) > float(depth["value_b"])
    )
    assert float(depth["a_start_s"]) <= float(depth["a_end_s"])
    assert len(by_pair["004-ref-vs-empty"]) == 2, "a failed closed pair keeps its statements"
    assert len(by_pair["005-notes-vs-b"]) == 1 and by_pair["005-notes-vs-b"][0]["statement"] == ""
    assert {r["status"] for name in BROKEN for r in by_pair[name]} == {"failed"}
    parquet = table.to_pylist()
    assert parquet[0]["confidence"] == float(depth["confidence"]) and parquet[0]["label"] == "A"
    assert (
        parquet[-1]["label"] is None and parquet[-1]["error"] == by_pair["006-person-vs-nobody"][-1]["error"]
    )


def test_index_summary_and_reports(season: Season) -> None:
    index = (season.output / "index.html").read_text(encoding="utf-8")
    for pair in season.pairs:
        if pair.name in BROKEN:
            assert f"failed: {escape(_outputs(season)[pair.name]['error'])}" in index
            assert not (season.output / "pairs" / pair.name).exists()
            continue
        for file in ("report.html", "thumb.jpg", "result.json"):
            assert (season.output / "pairs" / pair.name / file).stat().st_size > 0
        assert f'href="pairs/{pair.name}/report.html"' in index
        assert f'src="pairs/{pair.name}/thumb.jpg"' in index
    statements = season.outcome.summary["statements"]
    differ = [s["differ"] for s in statements]
    assert differ == sorted(differ, reverse=True), "most often differing first"
    deeper = next(s for s in statements if s["statement"] == "the squat is deeper")
    assert (
        deeper["pairs"] >= 2
        and deeper["A"] + deeper["B"] + deeper["C"] + deeper["undecided"] == deeper["pairs"]
    )
    assert json.loads((season.output / "summary.json").read_text()) == season.outcome.summary
    assert "the squat is deeper" in (season.output / "summary.md").read_text()


def test_a_killed_run_resumes_without_loss_or_duplicate(season: Season, tmp_path: Path) -> None:
    """The state a kill can leave while writing pair "deep": its record torn mid-line, its files half
    written (the report missing, a temporary file beside them), no table yet. The re-run redoes that
    pair alone."""
    output = tmp_path / "out"
    shutil.copytree(season.output, output)
    records = output / "records.jsonl"
    torn = "deep"
    lines = records.read_bytes().splitlines(keepends=True)
    last = next(line for line in lines if json.loads(line)["output"]["pair"] == torn)
    lines = [line for line in lines if line != last]
    records.write_bytes(b"".join(lines) + last[: len(last) // 2])
    for name in ("table.csv", "table.parquet", "index.html", "summary.json"):
        (output / name).unlink()
    (output / "pairs" / torn / "report.html").unlink()
    (output / "pairs" / torn / ".report.html.123.456.tmp").write_text("<html>half", encoding="utf-8")

    again = run_batch(season.pairs, output, season.config, workers=1)

    final = read_jsonl(records)
    assert [json.loads(line) for line in lines] == final[:-1], "finished records are kept as they were"
    assert final[-1]["output"]["pair"] == torn, "only the torn pair was compared again"
    assert len({r["key"] for r in final}) == len(final) == len(season.pairs)
    for name in ("table.csv", "summary.json", "index.html"):
        assert (output / name).read_text() == (season.output / name).read_text()
    report = "pairs/deep/report.html"
    assert timeless((output / report).read_text()) == timeless((season.output / report).read_text())
    assert pq.read_table(output / "table.parquet").equals(pq.read_table(season.output / "table.parquet"))
    assert again.outputs == season.outcome.outputs

    run_batch(season.pairs, output, season.config, workers=1)
    assert len(read_jsonl(records)) == len(season.pairs), "a finished batch run again adds nothing"


def test_a_replaced_file_is_compared_again_and_retry_failed_retries(
    season: Season, tmp_path: Path, squat_pair: Path, scenes: dict[str, Path]
) -> None:
    """Records are keyed by content: the empty file replaced by a video makes its pair run again;
    the other failures stay recorded until --retry-failed."""
    manifest = write_season(tmp_path / "season", squat_pair, scenes)
    output = tmp_path / "out"
    pairs = read_manifest(manifest)
    run_batch(pairs, output, season.config, workers=1)
    records = output / "records.jsonl"

    def added_since(count: int) -> list[str]:
        return [r["output"]["pair"] for r in read_jsonl(records)[count:]]

    (manifest.parent / "clips" / "empty.mp4").write_bytes((squat_pair / "b.mp4").read_bytes())
    replaced = run_batch(pairs, output, season.config, workers=1)
    assert added_since(len(pairs)) == ["004-ref-vs-empty"]
    assert [o["status"] for o in replaced.outputs] == ["ok", "ok", "ok", "ok", "failed", "failed"]

    run_batch(pairs, output, season.config, workers=1, retry_failed=True)
    assert added_since(len(pairs) + 1) == ["005-notes-vs-b", "006-person-vs-nobody"]
    again = run_batch(pairs, output, season.config, workers=1)
    assert added_since(len(pairs) + 3) == []
    assert again.outputs == replaced.outputs
