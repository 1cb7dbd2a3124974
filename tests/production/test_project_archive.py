"""Project archives: a comic with its files and picked pictures in one zip (real zip files, no mocks)."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import struct
import tracemalloc
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from stripstudio.domain import Bubble, Character, Comic, LoraRef, Panel, Style
from stripstudio.production.project_archive import (
    ArchiveLimits,
    ProjectArchiveError,
    ProjectFiles,
    asset_name,
    open_project_archive,
    pack_script_folder,
    read_project_archive,
    unpack_project,
    write_project_archive,
)
from stripstudio.script import load_comic
from tests.hostile import alias_bomb

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "to-the-stars-and-back.yaml"


def png(color: tuple[int, int, int], size: tuple[int, int] = (16, 12)) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", size, color).save(stream, format="PNG")
    return stream.getvalue()


def picked_for(comic: Comic) -> dict[str, bytes]:
    return {comic.panel_id(i): png((40 * i % 256, 90, 200)) for i in range(len(comic.panels))}


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(entries: dict[str, bytes], *, manifest: bool = True) -> bytes:
    """A zip of ``entries``, with a correct project.json added when ``manifest``."""
    entries = dict(entries)
    if manifest:
        files = [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(entries.items())
        ]
        document = {"format": "stripstudio-project", "version": 1, "created_at": "", "files": files}
        entries["project.json"] = json.dumps(document).encode()
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return stream.getvalue()


def example_project() -> bytes:
    stream = io.BytesIO()
    pack_script_folder(EXAMPLE, stream, picked=picked_for(load_comic(EXAMPLE)))
    return stream.getvalue()


def with_paths_rewritten(comic: Comic) -> tuple[Comic, dict[str, bytes]]:
    """The example comic as a project holds it: sketches named by content under assets/."""
    expected = comic.model_copy(deep=True)
    files = {}
    for panel in expected.panels:
        if panel.sketch:
            data = Path(panel.sketch).read_bytes()
            panel.sketch = asset_name(data, panel.sketch)
            files[panel.sketch] = data
    return expected, files


# --- round trips ---------------------------------------------------------------------------------


def test_the_example_comic_round_trips_with_its_sketch_and_picked_pictures(tmp_path):
    original = load_comic(EXAMPLE)
    picked = picked_for(original)
    archive = tmp_path / "stars.zip"
    pack_script_folder(EXAMPLE, archive, picked=picked)

    project = read_project_archive(archive)

    expected, files = with_paths_rewritten(original)
    assert project.comic == expected
    assert project.files == files
    assert list(files) == [f"assets/{hashlib.sha256(next(iter(files.values()))).hexdigest()[:16]}.png"]
    assert project.picked == picked
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left nothing behind


def test_writing_a_read_project_again_gives_the_same_entries():
    first = example_project()
    project = read_project_archive(first)
    stream = io.BytesIO()
    write_project_archive(project.comic, stream, read_file=project.read_file, picked=project.picked)
    again = zip_entries(stream.getvalue())

    entries = zip_entries(first)
    assert set(again) == set(entries)
    assert {name: data for name, data in again.items() if name != "project.json"} == {
        name: data for name, data in entries.items() if name != "project.json"
    }
    assert json.loads(again["project.json"])["files"] == json.loads(entries["project.json"])["files"]
    assert read_project_archive(stream.getvalue()) == project


def test_project_json_describes_every_entry():
    entries = zip_entries(example_project())
    manifest = json.loads(entries["project.json"])
    assert manifest["format"] == "stripstudio-project"
    assert manifest["version"] == 1
    assert manifest["created_at"]
    assert manifest["stripstudio_version"]
    listed = {item["path"]: item for item in manifest["files"]}
    assert set(listed) == set(entries) - {"project.json"}
    for name, item in listed.items():
        assert item == {"path": name, "sha256": hashlib.sha256(entries[name]).hexdigest(), "size": len(entries[name])}


def test_every_kind_of_file_reference_is_packed_and_names_are_kept(tmp_path):
    (tmp_path / "refs").mkdir()
    files = {"refs/mia.png": png((1, 2, 3)), "mia.safetensors": b"lora bytes", "hand.ttf": b"font bytes"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    comic = Comic(
        title="Files",
        style=Style(checkpoint="big-model.safetensors", loras=[LoraRef(name="ink-style"), LoraRef(name="./x.st")]),
        characters=[
            Character(name="Mia", reference_images=["refs/mia.png"], loras=[LoraRef(name="./mia.safetensors")])
        ],
        panels=[
            Panel(description="a", bubbles=[Bubble(text="hi", font="hand.ttf"), Bubble(text="yo", font="Bangers")])
        ],
    )
    (tmp_path / "x.st").write_bytes(b"style lora")

    stream = io.BytesIO()
    write_project_archive(comic, stream, read_file=lambda path: (tmp_path / path).read_bytes())
    project = read_project_archive(stream.getvalue())

    read = project.comic
    assert read.style.checkpoint == "big-model.safetensors"
    assert read.style.loras[0].name == "ink-style"  # a name looked up in the model folders: not a file
    assert read.panels[0].bubbles[1].font == "Bangers"
    packed = {
        read.style.loras[1].name: b"style lora",
        read.characters[0].reference_images[0]: files["refs/mia.png"],
        read.characters[0].loras[0].name: files["mia.safetensors"],
        read.panels[0].bubbles[0].font: files["hand.ttf"],
    }
    assert project.files == packed
    assert all(name.startswith("assets/") for name in packed)
    assert read.panels[0].bubbles[0].font.endswith(".ttf")


def test_a_path_destination_is_replaced_only_when_the_new_archive_is_complete(tmp_path):
    destination = tmp_path / "project.zip"
    destination.write_bytes(b"the old archive")
    comic = Comic(title="T", panels=[Panel(description="a", sketch="gone.png")])
    with pytest.raises(ProjectArchiveError):
        write_project_archive(comic, destination, read_file=lambda path: (tmp_path / path).read_bytes())
    assert destination.read_bytes() == b"the old archive"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.zip"]


# --- unpacking -----------------------------------------------------------------------------------


def test_an_unpacked_project_loads_with_the_normal_loader(tmp_path):
    original = load_comic(EXAMPLE)
    folder = tmp_path / "unpacked"
    script = unpack_project(example_project(), folder)

    assert script == folder / "comic.yaml"
    comic = load_comic(script)  # checks that every sketch exists
    sketches = [panel.sketch for panel in comic.panels if panel.sketch]
    assert sketches and all(Path(sketch).is_file() and folder in Path(sketch).parents for sketch in sketches)
    assert Path(sketches[0]).read_bytes() == (EXAMPLE.parent / "sketches" / "apartment-building.png").read_bytes()
    assert "sketch: assets/" in script.read_text()  # relative: the folder can be moved
    for i in range(len(original.panels)):
        assert (folder / "picked" / f"{original.panel_id(i)}.png").read_bytes() == picked_for(original)[
            original.panel_id(i)
        ]
    expected, _ = with_paths_rewritten(original)
    assert comic.model_dump(exclude={"panels"}) == expected.model_dump(exclude={"panels"})
    assert [p.description for p in comic.panels] == [p.description for p in original.panels]


def test_an_unpacked_folder_packs_again_into_the_same_entries(tmp_path):
    first = example_project()
    script = unpack_project(first, tmp_path / "unpacked")
    picked = {path.stem: path.read_bytes() for path in (tmp_path / "unpacked" / "picked").iterdir()}
    stream = io.BytesIO()
    pack_script_folder(script, stream, picked=picked)
    assert set(zip_entries(stream.getvalue())) == set(zip_entries(first))


def test_unpacking_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    with pytest.raises(ProjectArchiveError, match="not an empty folder"):
        unpack_project(example_project(), folder)
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]


def test_unpacking_into_an_empty_folder_works(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert unpack_project(example_project(), folder).is_file()
    assert not list(tmp_path.glob(".*"))


def test_lora_and_font_paths_are_absolute_after_unpacking(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mia.safetensors").write_bytes(b"lora")
    comic = Comic(title="T", style=Style(loras=[LoraRef(name="./mia.safetensors")]), panels=[Panel(description="a")])
    stream = io.BytesIO()
    write_project_archive(comic, stream, read_file=lambda path: (tmp_path / "src" / path).read_bytes())
    script = unpack_project(stream.getvalue(), tmp_path / "out")
    lora = Path(load_comic(script).style.loras[0].name)
    assert lora.is_absolute() and lora.read_bytes() == b"lora"


# --- writing problems ----------------------------------------------------------------------------


def test_a_missing_file_names_its_field(tmp_path):
    (tmp_path / "there.png").write_bytes(png((0, 0, 0)))
    comic = Comic(
        title="T",
        panels=[
            Panel(description="a"),
            Panel(description="b", sketch="there.png"),
            Panel(description="c", sketch="sketch.png"),
        ],
    )
    with pytest.raises(ProjectArchiveError) as caught:
        write_project_archive(comic, io.BytesIO(), read_file=lambda path: (tmp_path / path).read_bytes())
    assert "panel 3, sketch: file 'sketch.png' not found" in str(caught.value)


def test_a_missing_file_next_to_a_script_names_its_field(tmp_path):
    script = tmp_path / "comic.yaml"
    script.write_text("title: T\ncharacters:\n  Mia:\n    reference_images: [mia.png]\n", encoding="utf-8")
    with pytest.raises(ProjectArchiveError, match="character 1, reference image 1: file 'mia.png' not found"):
        pack_script_folder(script, tmp_path / "out.zip")
    assert not (tmp_path / "out.zip").exists()


def test_picked_pictures_must_be_pngs_of_known_panels():
    comic = Comic(title="T", panels=[Panel(description="a")])
    with pytest.raises(ProjectArchiveError, match=r"picked\['nope'\]: no panel has this id \(panel ids: panel-01\)"):
        write_project_archive(comic, io.BytesIO(), read_file=bytes, picked={"nope": png((0, 0, 0))})
    with pytest.raises(ProjectArchiveError, match="not a PNG"):
        write_project_archive(comic, io.BytesIO(), read_file=bytes, picked={"panel-01": b"GIF89a..."})


# --- hostile and damaged archives ----------------------------------------------------------------

VALID_SCRIPT = b"title: T\npanels:\n  - description: a\n"


@pytest.mark.parametrize(
    "name",
    ["../evil", "/abs", "assets/../../x", "C:\\x", "C:/x", "assets\\x.png", "assets/./x.png", "assets//x.png"],
)
def test_entries_that_could_escape_the_folder_are_refused(tmp_path, name):
    archive = make_zip({"comic.yaml": VALID_SCRIPT, name: b"owned"})
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ProjectArchiveError) as caught:
        unpack_project(archive, tmp_path / "out")
    assert repr(name) in str(caught.value)
    assert sorted(tmp_path.rglob("*")) == before
    assert not Path("/abs").exists() and not (tmp_path.parent / "evil").exists()


@pytest.mark.parametrize("name", ["notes.txt", "extra/file.png", "assets/sub/x.png", "picked/x.jpg", "picked/../x.png"])
def test_unknown_entries_are_refused(name):
    with pytest.raises(ProjectArchiveError, match="only comic.yaml, project.json, assets/ and picked/"):
        read_project_archive(make_zip({"comic.yaml": VALID_SCRIPT, name: b"?"}))


def test_symlink_entries_are_refused():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("comic.yaml", VALID_SCRIPT)
        link = zipfile.ZipInfo("assets/abc.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ProjectArchiveError, match="assets/abc.png: is a symbolic link"):
        read_project_archive(stream.getvalue())


def test_duplicate_entries_are_refused():
    stream = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(stream, "w") as archive:
        warnings.simplefilter("ignore")
        archive.writestr("comic.yaml", VALID_SCRIPT)
        archive.writestr("comic.yaml", b"title: Other\n")
    with pytest.raises(ProjectArchiveError, match="comic.yaml: the archive holds this name twice"):
        read_project_archive(stream.getvalue())


def test_an_entry_that_inflates_over_a_hundred_times_is_refused():
    archive = make_zip({"comic.yaml": VALID_SCRIPT, "assets/0123456789abcdef.png": bytes(20 * 1024**2)})
    with pytest.raises(ProjectArchiveError, match="assets/0123456789abcdef.png: inflates .* zip bomb"):
        read_project_archive(archive)


SKETCHED_SCRIPT = b"title: T\npanels:\n  - description: a\n    sketch: assets/0123456789abcdef.png\n"


def listing(sizes: dict[str, tuple[int, str]]) -> bytes:
    """A project.json listing entries by (size, sha256)."""
    files = [{"path": name, "size": size, "sha256": sha} for name, (size, sha) in sorted(sizes.items())]
    return json.dumps({"format": "stripstudio-project", "version": 1, "files": files}).encode()


def described(data: bytes) -> tuple[int, str]:
    return len(data), hashlib.sha256(data).hexdigest()


def test_an_entry_declared_small_that_inflates_hugely_is_stopped_while_inflating():
    asset = "assets/0123456789abcdef.png"
    manifest = listing({"comic.yaml": described(SKETCHED_SCRIPT), asset: described(bytes(100))})
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("comic.yaml", SKETCHED_SCRIPT)
        archive.writestr("project.json", manifest)
        archive.writestr(asset, bytes(64 * 1024**2))
    data = bytearray(stream.getvalue())
    central = data.rfind(b"PK\x01\x02")  # the bomb's record: the last one
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, central + 24, 100)  # declared uncompressed size
    struct.pack_into("<I", data, local + 22, 100)
    # 64 MiB of zeros deflate to about 64 KiB: under the ratio bound for the declared 100 bytes.
    tracemalloc.start()
    try:
        with pytest.raises(ProjectArchiveError, match=f"{asset}: (is damaged|inflates to more)"):
            read_project_archive(bytes(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024**2  # stopped after a chunk, not inflated in full


def test_many_small_entries_that_inflate_hugely_are_refused_before_any_is_read():
    # The shape of a 445 KB zip of 380 one-MiB entries: every entry is checked for its ratio.
    entries = {f"assets/{index:016x}.png": bytes(1024**2) for index in range(40)}
    archive = make_zip({"comic.yaml": VALID_SCRIPT, **entries})
    assert len(archive) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(
            ProjectArchiveError, match=r"assets/0000000000000000.png: inflates 1048576 bytes .* zip bomb"
        ):
            read_project_archive(archive)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024**2


def test_an_archive_larger_than_the_limits_is_refused():
    archive = example_project()
    sizes = [info.file_size for info in zipfile.ZipFile(io.BytesIO(archive)).infolist()]
    with pytest.raises(ProjectArchiveError, match=f"more than the {sum(sizes) - 1} allowed"):
        read_project_archive(archive, max_total_bytes=sum(sizes) - 1)
    small_entries = ArchiveLimits(max_entry_bytes=max(sizes) - 1)
    with (
        pytest.raises(ProjectArchiveError, match=f"more than the {max(sizes) - 1} one file may have"),
        open_project_archive(archive, small_entries),
    ):
        pass
    with pytest.raises(ProjectArchiveError, match="more than the 3 allowed"):
        read_project_archive(archive, max_files=3)


def test_a_checksum_mismatch_is_refused():
    entries = zip_entries(example_project())
    asset = next(name for name in entries if name.startswith("assets/"))
    changed = bytearray(entries[asset])
    changed[-20] ^= 0xFF  # same size, other bytes
    with pytest.raises(ProjectArchiveError, match=f"{asset}: its checksum differs"):
        read_project_archive(make_zip({**entries, asset: bytes(changed)}, manifest=False))
    with pytest.raises(ProjectArchiveError, match=f"{asset}: declares 78 bytes but project.json lists"):
        read_project_archive(make_zip({**entries, asset: png((255, 0, 0))}, manifest=False))


def test_entries_the_manifest_does_not_list_are_refused_without_being_read():
    entries = zip_entries(example_project())
    archive = make_zip({**entries, "assets/ffffffffffffffff.png": b"never read"}, manifest=False)
    broken = damaged(archive, "assets/ffffffffffffffff.png")
    with pytest.raises(ProjectArchiveError, match="assets/ffffffffffffffff.png: not listed in project.json"):
        read_project_archive(broken)


def test_listed_entries_the_comic_does_not_name_are_never_read():
    unused = png((1, 2, 3))
    archive = damaged(
        make_zip({"comic.yaml": VALID_SCRIPT, "assets/eeeeeeeeeeeeeeee.png": unused}), "assets/eeeeeeeeeeeeeeee.png"
    )
    project = read_project_archive(archive)
    assert project.files == {} and project.picked == {}


def test_a_zip_without_a_manifest_is_refused_before_the_script_is_read():
    archive = damaged(make_zip({"comic.yaml": VALID_SCRIPT}, manifest=False), "comic.yaml")
    with pytest.raises(ProjectArchiveError, match="project.json: missing; this is not a stripstudio project"):
        read_project_archive(archive)


def damaged(archive: bytes, name: str) -> bytes:
    """``archive`` with the stored bytes of entry ``name`` overwritten, so reading it fails its CRC."""
    data = bytearray(archive)
    info = zipfile.ZipFile(io.BytesIO(archive)).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + info.compress_size] = bytes(info.compress_size)
    with pytest.raises((zipfile.BadZipFile, zlib.error)):  # reading it really fails
        zipfile.ZipFile(io.BytesIO(bytes(data))).read(name)
    return bytes(data)


def test_entries_missing_from_project_json_are_refused():
    entries = zip_entries(example_project())
    manifest = json.loads(entries["project.json"])
    manifest["files"] = [item for item in manifest["files"] if not item["path"].startswith("picked/")]
    entries["project.json"] = json.dumps(manifest).encode()
    with pytest.raises(ProjectArchiveError, match="not listed in project.json"):
        read_project_archive(make_zip(entries, manifest=False))


def test_a_newer_format_version_asks_for_an_update():
    entries = zip_entries(example_project())
    manifest = json.loads(entries["project.json"])
    manifest["version"] = 2
    entries["project.json"] = json.dumps(manifest).encode()
    with pytest.raises(ProjectArchiveError, match="format version 2 .* update stripstudio"):
        read_project_archive(make_zip(entries, manifest=False))


def test_a_zip_without_a_project_is_refused(tmp_path):
    with pytest.raises(ProjectArchiveError, match="comic.yaml: missing"):
        read_project_archive(make_zip({}))
    with pytest.raises(ProjectArchiveError, match="not a readable zip file"):
        read_project_archive(b"not a zip at all")
    with pytest.raises(ProjectArchiveError, match="no such file"):
        read_project_archive(tmp_path / "nothing.zip")


def test_an_invalid_script_names_its_line_and_field():
    script = b"title: T\npanels:\n  - description: a\n    follow_sketch: 7\n"
    with pytest.raises(ProjectArchiveError) as caught:
        read_project_archive(make_zip({"comic.yaml": script}))
    assert "comic.yaml:4: panel 1, follow_sketch:" in str(caught.value)
    [problem] = caught.value.script_problems
    assert (problem.file, problem.line, problem.field) == ("comic.yaml", 4, "panels[0].follow_sketch")


def test_a_script_alias_bomb_is_refused_before_it_is_expanded():
    archive = make_zip({"comic.yaml": alias_bomb().encode()})
    tracemalloc.start()
    try:
        with pytest.raises(ProjectArchiveError) as caught:
            read_project_archive(archive)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [problem] = caught.value.script_problems
    assert problem.file == "comic.yaml" and "more than 10000 values once expanded" in problem.message
    assert peak < 4 * 1024**2


@pytest.mark.parametrize("sketch", ["assets/0123456789abcdef.png", "../outside.png", "/etc/passwd", "~/x.png"])
def test_a_script_naming_a_file_outside_the_archive_is_refused(sketch):
    script = f"title: T\npanels:\n  - description: a\n    sketch: {sketch}\n".encode()
    with pytest.raises(ProjectArchiveError, match=r"panel 1, sketch: file .* is not in the archive"):
        read_project_archive(make_zip({"comic.yaml": script}))


def test_picked_pictures_of_unknown_panels_are_refused():
    archive = make_zip({"comic.yaml": VALID_SCRIPT, "picked/panel-09.png": png((0, 0, 0))})
    with pytest.raises(ProjectArchiveError, match="picked/panel-09.png: no panel"):
        read_project_archive(archive)


def test_project_files_read_file_raises_file_not_found():
    project = ProjectFiles(comic=Comic(title="T"))
    with pytest.raises(FileNotFoundError):
        project.read_file("assets/x.png")


def test_asset_names_keep_the_model_file_suffix():
    assert asset_name(b"weights", "loras/Ink.SafeTensors").endswith(".safetensors")
    assert asset_name(b"weights", "odd.thisisfartoolong") == f"assets/{hashlib.sha256(b'weights').hexdigest()[:16]}"


def test_the_comic_details_round_trip_through_a_project_archive():
    details = {
        "author": "Ada Writer",
        "summary": "Two friends build a rocket.",
        "language": "ja",
        "reading_direction": "rtl",
        "series": "To the Stars",
        "episode": 3,
        "genre": "science fiction",
        "age_rating": "Teen",
    }
    comic = Comic(title="Lift-off", panels=[Panel(description="a rocket")], **details)
    stream = io.BytesIO()
    write_project_archive(comic, stream, read_file=lambda path: b"")
    back = read_project_archive(stream.getvalue()).comic
    assert {name: getattr(back, name) for name in details} == details
