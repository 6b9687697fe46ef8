"""Tests of ecnet_lab.catalog: schema validation, resolution order, opening, errors, HK areas."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import require_shared
from pyproj import CRS

from ecnet_lab import catalog

MINIMAL = {
    "version": 1,
    "datasets": {
        "tbl": {"kind": "table", "description": "a table", "licence": "CC0", "source": {"local": {"path": "t.csv"}}}
    },
}


def write_catalog(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


# --- schema ---------------------------------------------------------------------------------


def test_packaged_catalog_is_valid_and_has_required_entries():
    names = set(catalog.list()["name"])
    required = {
        "synthetic-jinan",
        "synthetic-shenzhen",
        "synthetic-wuhan",
        "hk-habitat-6class",
        "hk-habitat-8class",
        "hk-roads",
        "hk-builtup",
        "hk-protected-areas",
        "circuitscape-verify",
    }
    assert required <= names
    periods = ["1973-1977", "1998-2002", "2018-2022"]
    for n in (6, 8):
        assert {f"hk-habitat-{n}class-{p}" for p in periods} <= names


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d["datasets"]["tbl"].update(colour="red"), "Additional properties"),
        (lambda d: d.update(extra=1), "Additional properties"),
        (lambda d: d["datasets"]["tbl"].update(kind="image"), "is not one of"),
        (lambda d: d["datasets"]["tbl"].pop("licence"), "'licence' is a required property"),
        (lambda d: d["datasets"]["tbl"]["source"].update(url={"url": "x", "sha256": "0" * 64}), "too many"),
        (lambda d: d["datasets"]["tbl"].update(source={"url": {"url": "x", "sha256": "abc"}}), "does not match"),
        (lambda d: d["datasets"]["tbl"]["source"]["local"].update(where="x"), "Additional properties"),
        (lambda d: d.update(version=2), "1 was expected"),
    ],
)
def test_schema_errors_name_the_problem(tmp_path, mutate, fragment):
    doc = yaml.safe_load(yaml.safe_dump(MINIMAL))
    mutate(doc)
    path = write_catalog(tmp_path, doc)
    with pytest.raises(ValueError, match="invalid entry") as info:
        catalog.entries(path)
    assert fragment in str(info.value)


def test_unknown_name_lists_allowed_values():
    with pytest.raises(ValueError, match=r"name='nope' is not in the data catalog; allowed names: \[") as info:
        catalog.open("nope")
    assert "synthetic-jinan" in str(info.value)


def test_unknown_override_is_an_error():
    with pytest.raises(ValueError, match="unknown override"):
        catalog.open("synthetic-jinan", colour="red")


# --- resolution order -------------------------------------------------------------------------


def test_env_data_dir_wins(tmp_path, monkeypatch):
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    path = write_catalog(tmp_path, MINIMAL)
    monkeypatch.setenv("ECNET_DATA_DIR", str(tmp_path))
    assert catalog.data_dir() == tmp_path
    assert catalog.data_dir_candidates()[0] == tmp_path
    df = catalog.open("tbl", catalog=path)
    assert df.to_dict("list") == {"a": [1], "b": [2]}


def test_falls_back_to_shared_data_next_to_repo(monkeypatch):
    monkeypatch.delenv("ECNET_DATA_DIR", raising=False)
    cands = catalog.data_dir_candidates()
    repo = Path(__file__).resolve().parents[1]
    assert cands and cands[0] == repo.parent / "shared" / "data"


def test_scratch_clone_and_worktree_find_data_next_to_their_source_checkout(tmp_path, monkeypatch):
    main = tmp_path / "work" / "main"
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (tmp_path / "work" / "shared" / "data").mkdir(parents=True)
    clone = tmp_path / "scratch" / "check"
    (clone / ".git").mkdir(parents=True)
    (clone / ".git" / "config").write_text(f'[core]\n\tbare = false\n[remote "origin"]\n\turl = {main}\n')
    worktree = tmp_path / "elsewhere" / "wt"
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt'}\n")
    (main / ".git" / "worktrees" / "wt" / "commondir").write_text("../..\n")
    assert catalog._source_checkouts(clone) == [main.resolve()]
    assert catalog._source_checkouts(worktree) == [main.resolve()]
    assert catalog._source_checkouts(main) == []  # no origin: nothing to follow
    monkeypatch.delenv("ECNET_DATA_DIR", raising=False)
    monkeypatch.setattr(catalog, "_repo_roots", lambda: [clone])
    assert catalog.data_dir() == (tmp_path / "work" / "shared" / "data").resolve()


def test_missing_file_error_names_entry_place_and_remedy(tmp_path, monkeypatch):
    path = write_catalog(tmp_path, MINIMAL)
    monkeypatch.setenv("ECNET_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(catalog.DataNotFoundError) as info:
        catalog.open("tbl", catalog=path)
    msg = str(info.value)
    assert "'tbl'" in msg and "nowhere" in msg and "ECNET_DATA_DIR" in msg


def test_url_entry_is_fetched_once_and_checksummed(tmp_path, monkeypatch):
    payload = tmp_path / "remote.csv"
    payload.write_text("x\n5\n")
    digest = hashlib.sha256(payload.read_bytes()).hexdigest()
    doc = {
        "version": 1,
        "datasets": {
            "good": {
                "kind": "table",
                "description": "d",
                "licence": "l",
                "source": {"url": {"url": payload.as_uri(), "sha256": digest}},
            },
            "bad": {
                "kind": "table",
                "description": "d",
                "licence": "l",
                "source": {"url": {"url": payload.as_uri(), "sha256": "0" * 64, "filename": "b.csv"}},
            },
        },
    }
    path = write_catalog(tmp_path, doc)
    monkeypatch.setenv("ECNET_CACHE_DIR", str(tmp_path / "cache"))
    got = catalog.fetch("good", catalog=path)
    assert got == tmp_path / "cache" / "good" / "remote.csv" and got.read_text() == "x\n5\n"
    payload.write_text("changed\n")  # second fetch uses the cache, not the URL
    assert catalog.open("good", catalog=path)["x"].tolist() == [5]
    with pytest.raises(catalog.DataNotFoundError, match="sha256"):
        catalog.fetch("bad", catalog=path)
    assert not (tmp_path / "cache" / "bad" / "b.csv").exists()  # nothing half-written kept


def test_synthetic_entry_opens_with_overrides():
    ds = catalog.open("synthetic-wuhan", shape=(48, 40), years=[2000, 2010])
    assert ds["lulc"].sizes["y"] == 48 and ds["lulc"].sizes["x"] == 40
    assert list(ds["year"].values) == [2000, 2010]
    with pytest.raises(ValueError, match="synthetic"):
        catalog.path("synthetic-wuhan")


# --- real Hong Kong data ----------------------------------------------------------------------


def test_hk_class_areas_equal_authors_table():
    require_shared("hk-habitat", "habitat_6class")
    table = catalog.open("hk-habitat-area")
    ds = catalog.open("hk-habitat-6class")
    hab = ds["habitat"]
    assert hab.sizes == {"period": 10, "y": 1508, "x": 2101}
    from ecnet_lab.grid import pixel_area_km2

    cell_km2 = pixel_area_km2(hab)
    assert cell_km2 == pytest.approx(0.0009)
    areas = table[table["Type"] == "Area_km2"].set_index("ClassCode")
    for period in hab["period"].values:
        values = hab.sel(period=period).values
        for code in range(1, 7):
            ours = float(np.sum(values == code)) * cell_km2
            assert ours == pytest.approx(float(areas.loc[code, period]), abs=0.01), (period, code)
        total = float(np.sum(np.isfinite(values))) * cell_km2
        assert total == pytest.approx(float(areas.loc[0, period]), abs=0.01)


def test_hk_layers_share_one_grid_and_crs():
    require_shared("hk-habitat")
    from ecnet_lab.grid import same_grid

    six = catalog.open("hk-habitat-6class-2018-2022")
    eight = catalog.open("hk-habitat-8class-2018-2022")
    coast = catalog.open("hk-distance-from-coast")
    assert CRS.from_wkt(six.rio.crs.to_wkt()).to_epsg(min_confidence=20) == 2326
    assert same_grid(six, eight) and same_grid(six, coast)
    assert six.attrs["flag_values"] == [1, 2, 3, 4, 5, 6]
    assert float(np.nanmax(eight.values)) == 8
    for name in ("hk-roads", "hk-builtup", "hk-protected-areas"):
        gdf = catalog.open(name)
        assert len(gdf) > 0 and gdf.crs.to_epsg(min_confidence=20) == 2326


def test_circuitscape_folder_entry():
    require_shared("circuitscape-verify")
    folder = catalog.open("circuitscape-verify")
    assert (folder / "config_files").is_dir()


def test_cli_data_commands(capsys):
    from ecnet_lab.cli import main

    assert main(["data", "list"]) == 0
    assert "hk-habitat-6class" in capsys.readouterr().out
    assert main(["data", "path", "hk-roads"]) == 0
    assert capsys.readouterr().out.strip().endswith("Roads_10periods_shp.zip")
    assert main(["data", "path", "nope"]) == 2
    assert "allowed names" in capsys.readouterr().err
