"""Tests for roster.cli: the commands run end to end on small extracts and report bad input."""

from __future__ import annotations

from helpers import ITS_EXAMPLE

from roster.cli import main


def test_network_command_prints_size_and_matrix(tmp_path, capsys):
    """`roster network` prints the network size and a 5 x 5 matrix of minutes."""
    code = main(
        ["network", "--area", str(ITS_EXAMPLE), "--modes", "drive", "--cache-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "drive network from leeds-its-example.osm.pbf" in out
    assert len([line for line in out.splitlines() if line.startswith("node ")]) == 5


def test_bad_file_is_a_clear_error(tmp_path, capsys):
    """An empty OSM file exits with code 2 and a message naming the file."""
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    assert main(["network", "--area", str(empty), "--cache-dir", str(tmp_path)]) == 2
    assert f"roster: error: {empty}: OSM file is empty" in capsys.readouterr().err
