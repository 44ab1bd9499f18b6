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


def test_neighbourhoods_command_and_drawn_boundaries(tmp_path, capsys, network_cache):
    """`roster neighbourhoods` splits three Oakham recipients in two, then re-reads its polygons."""
    from helpers import INSTANCE_SMALL

    recipients = str(INSTANCE_SMALL / "recipients.csv")
    common = ["--recipients", recipients, "--cache-dir", str(network_cache)]
    out = tmp_path / "generated"
    assert (
        main(["neighbourhoods", *common, "--target", "2", "--tolerance", "0.5", "--out", str(out)])
        == 0
    )
    assert {p.name for p in out.iterdir()} == {
        "neighbourhoods.geojson",
        "neighbourhoods.gpkg",
        "quality.csv",
        "labels.csv",
    }
    assert "generated: 2 neighbourhoods" in capsys.readouterr().out
    drawn = tmp_path / "drawn"
    boundaries = str(out / "neighbourhoods.geojson")
    assert main(["neighbourhoods", *common, "--boundaries", boundaries, "--out", str(drawn)]) == 0
    assert "drawn boundaries" in capsys.readouterr().out
    assert (drawn / "labels.csv").read_text().count("\n") == 4
