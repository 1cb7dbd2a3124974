"""``stripstudio render --export``, ``export`` and ``pick`` on the tiny model, in-process."""

from __future__ import annotations

import zipfile

from typer.testing import CliRunner

from stripstudio.cli.app import app

from .test_render_command import EXAMPLE

runner = CliRunner()


def test_render_then_export_in_one_go_and_again_after_a_pick(tmp_path):
    out = tmp_path / "stars"
    result = runner.invoke(
        app,
        [
            "render",
            str(EXAMPLE),
            "--model",
            "tiny-random-sdxl",
            "--size",
            "64x64",
            "--steps",
            "1",
            "--out",
            str(out),
            "--export",
            "cbz,pdf",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    exported = out / "export"
    assert sorted(p.suffix for p in exported.iterdir()) == [".cbz", ".pdf"]
    with zipfile.ZipFile(exported / "to-the-stars-and-back-episode-1.cbz") as archive:
        assert "ComicInfo.xml" in archive.namelist()

    result = runner.invoke(app, ["pick", str(out), "reading", "2"], catch_exceptions=False)
    assert result.exit_code == 0 and "candidate 2 picked" in result.output
    result = runner.invoke(
        app,
        ["export", str(EXAMPLE), str(out), "--format", "webtoon,png", "--out", str(tmp_path / "web")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "web" / "strip.png").is_file() and (tmp_path / "web" / "webtoon" / "001.png").is_file()


def test_export_errors_name_the_problem(tmp_path):
    result = runner.invoke(app, ["export", str(EXAMPLE), str(tmp_path)])
    assert result.exit_code == 1 and "no render (no manifest.json)" in result.output
    result = runner.invoke(app, ["export", str(EXAMPLE), str(tmp_path), "--format", "gif"])
    assert result.exit_code == 1 and "unknown export format gif" in result.output
    result = runner.invoke(app, ["pick", str(tmp_path), "reading", "1"])
    assert result.exit_code == 1 and "no rendered panel 'reading'" in result.output
