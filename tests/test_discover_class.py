"""Discovery that cannot crash or hang, and identity that matches the LMS: each finding of a
class-sized attack (LMS downloads, damaged archives, links, pipes, renamed files) rebuilt in a
temporary folder and read by ``discover.discover`` directly, without a kernel."""

from __future__ import annotations

import csv
import os
import signal
import socket
import sys
import zipfile

import nbformat
import pytest

from autograder import cli
from autograder.grading import archives, course, discover, grade, identity, roster, worker

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

COURSE = course.find(None)
LABS = course.labs(COURSE)
SIGNATURES = grade.lab_signatures(COURSE, LABS)
LAB = hostile.LAB
OTHER = next(lab for lab in LABS if lab != LAB)  # a second lab of the course


@pytest.fixture(scope="module")
def notebooks() -> dict[str, bytes]:
    """The bytes of a solved notebook of LAB and of OTHER (read once)."""
    return {lab: nbformat.writes(builders.solved(lab)).encode() for lab in (LAB, OTHER)}


def _put(path, data: bytes) -> str:
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def _zip(path, members: dict, links: tuple = ()) -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 12, 0, 0)), data)
        for name, target in links:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 12, 0, 0))
            info.external_attr = (0o120777 << 16) | 0  # S_IFLNK
            zf.writestr(info, target)
    return str(path)


def _discover(root, tmp_path) -> list[discover.Submission]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return discover.discover(str(root), LABS, SIGNATURES, str(work))


def _rows(subs, lab=LAB) -> dict[str, discover.Submission]:
    return {s.student_id: s for s in subs if s.lab == lab}


@pytest.fixture
def alarm():
    """Fail instead of hanging: a blocked open() of a FIFO would wait forever."""
    signal.signal(signal.SIGALRM, lambda *a: pytest.fail("discovery hung"))
    signal.alarm(30)
    yield
    signal.alarm(0)


# --- discovery that cannot crash or hang --------------------------------------------------------


def test_fifo_in_a_submission_does_not_hang(tmp_path, notebooks, alarm):
    root = tmp_path / "class"
    _put(root / "alice" / f"{LAB}.ipynb", notebooks[LAB])
    os.mkfifo(root / "alice" / f"{OTHER}.ipynb")
    os.mkfifo(root / f"bob_{LAB}.ipynb")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "alice" / "sock.ipynb"))
    subs = _discover(root, tmp_path)
    alice = _rows(subs)["alice"]
    assert alice.problem == "" and alice.path.endswith(f"{LAB}.ipynb")
    assert "named pipe" in _rows(subs, OTHER)["alice"].detail
    bob = next(s for s in subs if s.student_id == "bob")
    assert bob.problem == "rejected file" and "named pipe" in bob.detail
    assert any("socket" in used for s in subs for _, used in s.files)
    sock.close()
    for entry in (root / "alice" / f"{OTHER}.ipynb", root / "alice"):  # swapped in after a check
        with pytest.raises(OSError, match="not a regular file"):
            archives.open_regular(str(entry))
    os.symlink(root / "alice" / f"{LAB}.ipynb", root / "link")
    with pytest.raises(OSError):
        archives.open_regular(str(root / "link"))


def test_symlink_is_reported_never_read(tmp_path, notebooks):
    secret = _put(tmp_path / "root-only" / "shadow.ipynb", notebooks[OTHER])
    root = tmp_path / "class"
    _put(root / "alice" / f"{LAB}.ipynb", notebooks[LAB])
    os.symlink(secret, root / "alice" / f"{OTHER}.ipynb")
    os.symlink(secret, root / f"mallory_{OTHER}.ipynb")
    os.symlink(str(tmp_path / "root-only"), root / "eve")
    _zip(root / "trudy.zip", {}, links=[(f"{OTHER}.ipynb", secret)])
    subs = _discover(root, tmp_path)
    assert all(s.path is None or os.path.realpath(s.path) != secret for s in subs)
    refused = {s.student_id: s.detail for s in subs if s.problem == "rejected file"}
    assert set(refused) >= {"alice", "mallory", "eve", "trudy"}, refused
    assert all("symbolic link" in d for d in refused.values()), refused
    assert _rows(subs)["alice"].problem == ""


def test_zip_in_zip_in_a_student_folder_is_opened(tmp_path, notebooks):
    inner = _zip(tmp_path / "inner.zip", {f"{LAB}.ipynb": notebooks[LAB]})
    with open(inner, "rb") as f:
        middle = _zip(tmp_path / "middle.zip", {"work/inner.zip": f.read()})
    root = tmp_path / "class"
    with open(middle, "rb") as f:
        _put(root / "alice" / "submission.zip", f.read())
    _put(root / "bob" / f"{LAB}.ipynb", notebooks[LAB])
    alice = _rows(_discover(root, tmp_path))["alice"]
    assert alice.problem == "" and alice.source == "alice/submission.zip/work/inner.zip/" + (
        f"{LAB}.ipynb"
    )


def test_zip_recognised_by_its_bytes_not_its_name(tmp_path, notebooks):
    root = tmp_path / "class"
    _zip(root.with_suffix(".tmp"), {f"{LAB}.ipynb": notebooks[LAB]})
    os.makedirs(root)
    os.rename(root.with_suffix(".tmp"), root / "alice")  # a zip without .zip
    inner = _zip(tmp_path / "inner.zip", {f"{LAB}.ipynb": notebooks[LAB]})
    with open(inner, "rb") as f:
        _zip(root / "bob.zip", {"bob/submission": f.read(), "bob/notes.txt": b"PK"})
    rows = _rows(_discover(root, tmp_path))
    assert (
        rows["alice"].problem == "" and rows["bob"].source == f"bob.zip/bob/submission/{LAB}.ipynb"
    )


def test_corrupt_zip_member_gets_a_row(tmp_path, notebooks):
    path = _zip(
        tmp_path / "class.zip",
        {f"alice/{LAB}.ipynb": notebooks[LAB], f"bob/{LAB}.ipynb": notebooks[LAB] * 3},
    )
    with zipfile.ZipFile(path) as zf:
        bob = zf.getinfo(f"bob/{LAB}.ipynb")
    data = bytearray(open(path, "rb").read())
    start = bob.header_offset + 30 + len(bob.filename.encode())
    for i in range(start + 10, start + bob.compress_size - 10, 7):  # break the deflate stream
        data[i] ^= 0x5A
    _put(path, bytes(data))
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    with zipfile.ZipFile(path, "a") as zf:  # a student's own zip that is not one
        zf.writestr(f"carol/{LAB}.zip", b"PK\x03\x04 truncated")
    subs = _discover(path, tmp_path)
    assert "not a readable zip" in _rows(subs)["carol"].detail
    assert _rows(subs)["alice"].problem == ""
    assert _rows(subs)["bob"].problem == "rejected file" and "damaged" in _rows(subs)["bob"].detail
    with pytest.raises(FileNotFoundError, match="not a readable zip"):
        _discover(tmp_path / "junk.zip", tmp_path)


def test_deep_json_is_refused_without_recursion_error(tmp_path, notebooks):
    deep = b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    root = tmp_path / "class"
    path = _put(root / "mallory" / f"{LAB}.ipynb", deep)
    _put(root / "alice" / f"{LAB}.ipynb", notebooks[LAB])
    assert discover.lab_from_content(path, SIGNATURES) is None
    subs = _discover(root, tmp_path)
    assert _rows(subs)["mallory"].path == path  # the worker reports it as an unreadable file
    with pytest.raises(ValueError, match="nests more than"):
        worker.load_notebook(path)
    assert archives.nesting_depth(b'{"a": "[[[[[[", "b": [1, {"c": []}]}') == 4
    assert worker.load_notebook(_rows(subs)["alice"].path).cells


def test_zip_member_paths_never_make_students(tmp_path, notebooks):
    root = tmp_path / "class"
    _zip(
        root.with_name("alice.zip"),
        {
            f"C:\\Users\\x\\{LAB}.ipynb": notebooks[LAB],
            f"../../{OTHER}.ipynb": notebooks[OTHER],
            f"/etc/{OTHER}.ipynb": notebooks[OTHER],
        },
    )
    os.makedirs(root)
    os.rename(root.with_name("alice.zip"), root / "alice.zip")
    _put(root / "bob" / f"{LAB}.ipynb", notebooks[LAB])
    subs = _discover(root, tmp_path)
    assert {s.student_id for s in subs} == {"alice", "bob"}
    alice = _rows(subs)["alice"]
    assert alice.problem == "" and alice.source == f"alice.zip/{LAB}.ipynb"
    other = _rows(subs, OTHER)["alice"]
    assert other.path and "leaves the archive" in " ".join(other.others)


def test_members_that_collide_get_a_row(tmp_path, notebooks):
    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"alice/{LAB}.ipynb", notebooks[LAB])
        zf.writestr(f"alice/{LAB}.ipynb/{OTHER}.ipynb", notebooks[OTHER])
        zf.writestr(f"bob/{LAB}.ipynb", notebooks[LAB])
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr(f"bob/{LAB}.ipynb", notebooks[OTHER])
    subs = _discover(path, tmp_path)
    assert _rows(subs)["alice"].problem == "" and _rows(subs)["bob"].problem == ""
    refusals = " ".join(o for s in subs for o in s.others) + " ".join(s.detail for s in subs)
    assert refusals.count("same name") == 2, refusals


def test_per_student_zips_with_one_inner_folder_keep_their_students(tmp_path, notebooks):
    root = tmp_path / "class"
    os.makedirs(root)
    for student, inner in (("alice", "alice"), ("bob", "bob"), ("carol", "sub"), ("dave", "sub")):
        _zip(root / f"{student}.zip", {f"{inner}/{LAB}.ipynb": notebooks[LAB]})
    os.makedirs(root / "erin" / "erin")
    _put(root / "erin" / "erin" / f"{LAB}.ipynb", notebooks[LAB])
    rows = _rows(_discover(root, tmp_path))
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin"}
    assert all(s.problem == "" for s in rows.values())


def test_a_course_folder_with_my_ppo_is_graded_on_the_notebook_alone(tmp_path, notebooks):
    """Learners may hand in their whole course folder: the labs' ``my_ppo/<lab>.py`` (what the
    saving cells write, a draft included) beside the notebook, zipped or as uploaded files.
    Each student gets one row, from the notebook; no ``my_ppo`` file is graded or makes a row."""
    root = tmp_path / "class"
    root.mkdir()
    saved = {
        f"my_ppo/{LAB}.py": b"def f():\n    return 0\n",
        f"my_ppo/.{LAB}.draft.py": b"def f(:\n",
        f"my_ppo/{OTHER}.py": b"import os\n",
    }
    _zip(
        root / "alice.zip",
        {
            f"course/{LAB}/{LAB}.ipynb": notebooks[LAB],
            **{f"course/{k}": v for k, v in saved.items()},
        },
    )
    _put(root / "bob" / LAB / f"{LAB}.ipynb", notebooks[LAB])
    for name, data in saved.items():
        _put(root / "bob" / name, data)
    subs = _discover(root, tmp_path)
    rows = _rows(subs)
    assert set(rows) == {"alice", "bob"}, [(s.student_id, s.lab, s.source) for s in subs]
    assert all(s.problem == "" and s.source.endswith(f"{LAB}.ipynb") for s in rows.values())
    assert not [s for s in subs if s.source and "my_ppo" in s.source]
    assert {s.student_id for s in subs} == {"alice", "bob"}


def test_one_bad_file_never_costs_another_students_row(tmp_path, notebooks):
    root = tmp_path / "class"
    _put(root / "alice" / f"{LAB}.ipynb", notebooks[LAB])
    _put(root / "bob" / f"{LAB}.ipynb", b"\xff\xfe not json")
    _put(root / "carol" / f"{LAB}.ipynb", b"[" * 5000)
    (root / "dave").mkdir()
    os.chmod(root / "dave", 0)
    try:
        rows = _rows(_discover(root, tmp_path))
    finally:
        os.chmod(root / "dave", 0o755)
    assert {"alice", "bob", "carol"} <= set(rows) and rows["alice"].problem == ""


# --- identity that matches the LMS --------------------------------------------------------------


def _canvas_class(root, notebooks) -> None:
    """Eleven students as Canvas writes them; one resubmitted, one late."""
    for i in range(11):
        name = f"student{chr(97 + i)}smith"
        late = "_LATE" if i == 3 else ""
        _put(root / f"{name}{late}_{1000 + i}_{5000 + i}_{LAB}.ipynb", notebooks[LAB])
    _put(root / f"studentasmith_1000_6000_{LAB}-1.ipynb", notebooks[LAB] + b" ")
    os.utime(root / f"studentasmith_1000_6000_{LAB}-1.ipynb", (1e9, 1e9))  # older file time


def test_canvas_download_one_row_per_student(tmp_path, notebooks):
    root = tmp_path / "canvas"
    _canvas_class(root, notebooks)
    subs = _discover(root, tmp_path)
    assert len(subs) == 11
    rows = _rows(subs)
    assert set(rows) == {str(1000 + i) for i in range(11)}
    assert all(s.lms == "canvas" and s.lms_id == s.student_id and not s.flag for s in subs)
    assert rows["1003"].name == "studentdsmith" and rows["1003"].problem == ""
    again = rows["1000"]
    assert again.source.endswith("-1.ipynb"), "the resubmission is the newest by Canvas's order"
    assert [u for _, u in again.files] == ["graded", "superseded"]


def test_canvas_anonymous_download_keeps_the_anonymous_ids(tmp_path, notebooks):
    root = tmp_path / "canvas"
    _put(root / f"anon_Ab3dE_7001_{LAB}.ipynb", notebooks[LAB])
    _put(root / f"LATE_anon_Ab3dE_7002_{LAB}-1.ipynb", notebooks[LAB])
    _put(root / f"anon_Zz9yX_7003_{LAB}.ipynb", notebooks[LAB])
    rows = _rows(_discover(root, tmp_path))
    assert set(rows) == {"anon_Ab3dE", "anon_Zz9yX"} and not any(s.flag for s in rows.values())
    assert rows["anon_Ab3dE"].source.startswith("LATE_anon_Ab3dE_7002")


def test_moodle_download_one_row_per_participant(tmp_path, notebooks):
    root = tmp_path / "moodle"
    for pid, name in ((101, "Ana María López"), (102, "Bo Chen"), (103, "Bo Chen")):
        _put(root / f"{name}_{pid}_assignsubmission_file_" / f"{LAB}.ipynb", notebooks[LAB])
    _put(root / "Bo Chen_102_assignsubmission_onlinetext_" / "onlinetext.html", b"<p>hi</p>")
    _put(root / "Di Eve_105_assignsubmission_onlinetext_" / "onlinetext.html", b"<p>text</p>")
    _put(root / f"Cy Dee_104_assignsubmission_file_{LAB}.ipynb", notebooks[LAB])
    _put(root / "Fay Gu_106_assignsubmission_file_essay.pdf", b"%PDF")
    rows = _rows(_discover(root, tmp_path))
    assert set(rows) == {"101", "102", "103", "104", "105", "106"}
    assert rows["105"].problem == "missing notebook" and rows["105"].name == "Di Eve"
    assert rows["101"].name == "Ana María López" and rows["101"].lms == "moodle"
    assert rows["104"].name == "Cy Dee" and not any(s.flag for s in rows.values())


def test_exchange_inbound_keeps_newest_timestamp(tmp_path, notebooks):
    inbound = tmp_path / "exchange" / "course" / "inbound"
    stamps = {"2024-05-02 09:00:00.000000 UTC": b"", "2024-05-01 09:00:00.000000 UTC": b" "}
    for stamp, pad in stamps.items():
        for student in ("alice", "bob"):
            path = _put(
                inbound / f"{student}+{LAB}+{stamp}+Xy9" / f"{LAB}.ipynb", notebooks[LAB] + pad
            )
            if not pad:  # the newest submission has the older file time
                os.utime(path, (1e9, 1e9))
    _put(inbound.parent / "outbound" / LAB / f"{LAB}.ipynb", notebooks[LAB])  # the release
    (inbound.parent / "feedback").mkdir()
    subs = _discover(tmp_path / "exchange", tmp_path)
    rows = _rows(subs)
    assert len(subs) == 2 and set(rows) == {"alice", "bob"}
    assert "2024-05-02" in rows["alice"].source and rows["alice"].lms == "exchange"
    assert sorted(u for _, u in rows["alice"].files) == ["graded", "superseded"]


def test_whitespace_variants_are_flagged_not_merged(tmp_path, notebooks):
    root = tmp_path / "class"
    for name in ("alice", "alice ", " alice", "Alice", "bob"):
        _put(root / name / f"{LAB}.ipynb", notebooks[LAB])
    rows = _rows(_discover(root, tmp_path))
    assert len(rows) == 5
    flagged = {s.origin or s.student_id: s.flag for s in rows.values() if s.flag}
    assert set(flagged) == {"alice", "alice ", " alice", "Alice"}
    assert "' alice'" in flagged["alice"] and "'alice '" in flagged["Alice"]
    assert not rows["bob"].flag


def test_copy_names_in_a_flat_folder_are_flagged(tmp_path, notebooks):
    root = tmp_path / "class"
    for name in (f"Copy of {LAB}.ipynb", f"{LAB} (3).ipynb", f"{LAB}.ipynb", f"bob_{LAB}.ipynb"):
        _put(root / name, notebooks[LAB])
    rows = _rows(_discover(root, tmp_path))
    assert len(rows) == 4
    nameless = [s for s in rows.values() if identity.NO_NAME in s.flag]
    assert len(nameless) == 3 and not rows["bob"].flag


def test_lab_one_notebook_in_a_lab_two_folder_is_graded_as_lab_one(tmp_path, notebooks):
    root = tmp_path / "class"
    _put(root / "alice" / OTHER / f"{OTHER}.ipynb", notebooks[LAB])
    _put(root / "bob" / OTHER / f"{OTHER}.ipynb", notebooks[OTHER])
    subs = _discover(root, tmp_path)
    alice = _rows(subs)["alice"]
    assert alice.problem == "" and alice.files[0][1].startswith(f"graded: its content is {LAB}")
    assert _rows(subs, OTHER)["bob"].problem == ""
    assert _rows(subs, OTHER)["alice"].problem == "missing notebook"


# --- ids.csv and the roster ---------------------------------------------------------------------


def _read(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _roster(path, rows: list[tuple], header="LMS_ID, Login,Name,EMAIL") -> str:
    lines = [header] + [",".join(r) for r in rows]
    return _put(path, ("\n".join(lines) + "\n").encode())


def test_ids_csv_records_every_file_and_keeps_other_labs(tmp_path, notebooks):
    root = tmp_path / "canvas"
    _canvas_class(root, notebooks)
    os.symlink("/etc/shadow", root / f"x_9_9_{LAB}.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    _put(out / "ids.csv", b"source,student_id,assignment_id,lms,lms_id,name,used,flag\n")
    with open(out / "ids.csv", "a") as f:
        f.write(f"old.ipynb,carol,{OTHER},,,,graded,\n")
    identity.write_ids(str(out), _discover(root, tmp_path))
    rows = _read(out / "ids.csv")
    assert list(rows[0]) == identity.IDS_FIELDS
    used = sorted(r["used"].split(":")[0] for r in rows if r["assignment_id"] == LAB)
    assert used == ["graded"] * 11 + ["rejected", "superseded"]
    assert any(r["student_id"] == "carol" and r["assignment_id"] == OTHER for r in rows)


def test_names_that_are_not_utf8_do_not_break_the_csvs(tmp_path, notebooks):
    root = tmp_path / "class"
    os.makedirs(root)
    bad = os.fsdecode(b"b\xffb")  # a Latin-1 name unpacked on a UTF-8 system
    _put(os.path.join(str(root), bad, f"{LAB}.ipynb"), notebooks[LAB])
    os.mkfifo(os.path.join(str(root), bad, f"{OTHER}\udcfe.ipynb"))
    subs = _discover(root, tmp_path)
    identity.write_ids(str(tmp_path), subs)
    rows = _read(tmp_path / "ids.csv")
    assert len(rows) == 2 and all("\ufffd" in r["source"] for r in rows)
    assert [s.student_id for s in subs if s.lab == LAB][0].isprintable()
    [refused] = [s for s in subs if s.problem == "rejected file"]
    assert "\ufffd" in refused.detail and "named pipe" in refused.detail


def test_roster_resolves_only_unambiguous_ids(tmp_path, notebooks):
    root = tmp_path / "class"
    _put(root / f"Copy of bob_{LAB}.ipynb", notebooks[LAB])
    for name in ("alice", "alice "):
        _put(root / name / f"{LAB}.ipynb", notebooks[LAB])
    _put(root / "zed" / f"{LAB}.ipynb", notebooks[LAB])
    subs = _discover(root, tmp_path)
    entries = roster.read_roster(
        _roster(tmp_path / "r.csv", [("11", "alice", "Alice A", "a@x"), ("12", "bob", "Bo B", "")])
    )
    roster.apply_roster(subs, entries)
    rows = _rows(subs)
    assert rows["bob"].flag == "" and rows["bob"].lms_id == "12"
    assert "resolved by roster" in rows["bob"].resolved
    assert all(s.flag for s in rows.values() if s.student_id.startswith("alice"))
    assert identity.NOT_ON_ROSTER in rows["zed"].flag
    assert [r["student_id"] for r in identity.ids_rows([rows["bob"]])] == ["bob"]


def test_roster_without_a_column_is_a_clear_error(tmp_path):
    path = _roster(tmp_path / "r.csv", [("1", "a", "A")], header="lms_id,login,name")
    with pytest.raises(roster.RosterError, match="no column email"):
        roster.read_roster(path)


def test_flags_need_the_instructor():
    rows = [{"student_id": "alice", "flag": ""}, {"student_id": "x-1", "flag": "provisional"}]
    [reason] = cli.needs_attention(rows)
    assert "x-1" in reason and "--roster" in reason
    assert cli.needs_attention(rows[:1]) == []
    off = [dict(rows[1], flag=identity.NOT_ON_ROSTER)]
    assert "not on the roster" in cli.needs_attention(off)[0]


def test_grade_writes_ids_and_rows_carry_identity(tmp_path, notebooks):
    from autograder.grading import journal

    root = tmp_path / "canvas"
    _canvas_class(root, notebooks)
    subs = _discover(root, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    grade._record_ids(str(out), subs, None)  # what grade() does right after discovery
    assert len(_read(out / "ids.csv")) == 12
    book = journal.Journal(str(out))
    first = subs[0]
    book.put("k0", {"student_id": first.student_id, "assignment_id": LAB, "status": "graded"}, [])
    rows, _ = grade._collect(subs, ["k0"] + ["-"] * (len(subs) - 1), book, str(out), {})
    book.close()
    assert all(r["lms_id"] == r["student_id"] and r["name"] for r in rows)
    assert set(grade.GRADE_FIELDS) >= {"lms_id", "name", "flag"}


def test_cli_roster_errors_and_flags_set_the_exit_status(tmp_path, monkeypatch, capsys):
    bad = _roster(tmp_path / "r.csv", [("1", "a", "A")], header="lms_id,login,name")
    args = ["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--no-progress"]
    assert cli.main([*args, "--roster", bad]) == 2
    assert "no column email" in capsys.readouterr().err
    flagged = {"student_id": "x-1", "assignment_id": LAB, "status": "graded", "flag": "why"}
    monkeypatch.setattr(cli, "grade", lambda *a, **k: [flagged])
    assert cli.main(args) == 3
    assert "provisional" in capsys.readouterr().err
    monkeypatch.setattr(cli, "grade", lambda *a, **k: [dict(flagged, flag="")])
    assert cli.main(args) == 0
