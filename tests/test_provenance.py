"""The data version on every page: a git commit when the data is committed, a content hash otherwise."""

import subprocess

from reportcard.provenance import data_version


def _git(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_content_hash_without_git_changes_with_one_byte(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    first = data_version(tmp_path)
    assert first.kind == "content hash" and first.id.startswith("sha256:") and first.date is None
    assert data_version(tmp_path) == first
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert data_version(tmp_path).id != first.id


def test_committed_data_is_named_by_its_commit_and_dirty_data_by_hash(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "data")
    version = data_version(data)
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    assert (version.kind, version.id, version.short) == ("git commit", head, head[:12])
    (data / "a.csv").write_text("x\n2\n")
    assert data_version(data).kind == "content hash"
