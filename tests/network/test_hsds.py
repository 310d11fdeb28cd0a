"""Open Referral (HSDS 3.0) directories in and out of referral networks, with no field lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest

import tipframe
from tipframe.cli import main
from tipframe.model import Pathway, ReferralNetwork, ServiceStatus, Support
from tipframe.network.hsds import hsds_from_network, network_from_hsds, read_hsds, write_hsds

HSDS = Path(__file__).parent.parent / "cases" / "hsds"


def _through_a_document(network: ReferralNetwork, tmp_path: Path) -> ReferralNetwork:
    """Save and reload the network, as a planner would between import and export."""
    path = tmp_path / "network.yaml"
    tipframe.dump(network, path)
    return tipframe.load(path, ReferralNetwork)


def _enriched(network: ReferralNetwork) -> ReferralNetwork:
    """What a planner adds: support levels, a pathway and an entry point."""
    food, counselling = network.services
    return attrs.evolve(
        network,
        services=(
            attrs.evolve(food, support=Support.UNIVERSAL),
            attrs.evolve(counselling, support=Support.SPECIALIST),
        ),
        pathways=(Pathway(from_service=food.id, to_service=counselling.id, volume=4),),
        entry_points=(food.id,),
    )


def test_import_reads_organisations_and_services_with_their_fields() -> None:
    network = network_from_hsds(read_hsds(HSDS / "directory.json"), network_id="eastfield", name="Eastfield")
    assert [o.id for o in network.organisations] == ["eastfield-community-foodbank", "eastfield-counselling"]
    food, counselling = network.services
    assert food.id == "emergency-food-parcels"
    assert food.organisation == "eastfield-community-foodbank"
    assert food.eligibility == "Anyone in Eastfield who needs food."
    assert food.areas == ("Eastfield",)
    assert counselling.status is ServiceStatus.TEMPORARILY_CLOSED
    assert counselling.support is None  # HSDS does not say; nothing is guessed
    assert food.extensions["x-hsds"]["interpretation_services"].startswith("Interpretation in Polish")


def test_json_directory_round_trips_with_nothing_lost(tmp_path: Path) -> None:
    original = read_hsds(HSDS / "directory.json")
    network = _through_a_document(_enriched(network_from_hsds(original)), tmp_path)
    write_hsds(hsds_from_network(network), tmp_path / "out.json", "json")
    written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    source = json.loads((HSDS / "directory.json").read_text(encoding="utf-8"))
    assert written == source
    assert [list(r) for r in written["service"]] == [list(r) for r in source["service"]]  # key order too


def test_csv_package_round_trips_with_nothing_lost(tmp_path: Path) -> None:
    original = read_hsds(HSDS / "package")
    network = _through_a_document(_enriched(network_from_hsds(original)), tmp_path)
    files = write_hsds(hsds_from_network(network), tmp_path / "out", "csv")
    assert len(files) == 7
    again = read_hsds(tmp_path / "out")
    assert again.tables == original.tables
    assert again.columns == original.columns
    assert again.datapackage is not None
    assert original.datapackage is not None
    # the descriptor as read, each resource given a table schema where it had none
    resources = again.datapackage["resources"]
    assert [{k: v for k, v in r.items() if k != "schema"} for r in resources] == original.datapackage["resources"]
    assert all("fields" in r["schema"] for r in resources)
    assert {p.name for p in (tmp_path / "out").iterdir()} == {p.name for p in (HSDS / "package").iterdir()}


def test_edits_in_the_network_reach_the_directory(tmp_path: Path) -> None:
    network = network_from_hsds(read_hsds(HSDS / "package"))
    food = attrs.evolve(network.services[0], name="Food parcels and fuel vouchers", status=ServiceStatus.INACTIVE)
    edited = attrs.evolve(network, services=(food, network.services[1]))
    record = hsds_from_network(edited).tables["service"][0]
    assert record["name"] == "Food parcels and fuel vouchers"
    assert record["status"] == "inactive"
    assert record["accreditations"] == ""  # untouched fields keep their values


def test_services_nested_as_an_api_returns_them_are_read(tmp_path: Path) -> None:
    tables = json.loads((HSDS / "directory.json").read_text())
    nested = []
    for service in tables["service"]:
        record = dict(service)
        record["organization"] = next(o for o in tables["organization"] if o["id"] == service["organization_id"])
        links = [link for link in tables["service_at_location"] if link["service_id"] == service["id"]]
        record["service_at_locations"] = [
            {k: v for k, v in link.items() if k != "service_id"} | {"location": tables["location"][0]} for link in links
        ]
        nested.append(record)
    path = tmp_path / "services.json"
    path.write_text(json.dumps({"contents": nested, "total_items": 2}))
    directory = read_hsds(path)
    assert [r["id"] for r in directory.tables["organization"]] == [o["id"] for o in tables["organization"]]
    assert directory.tables["service_at_location"][0]["location_id"] == tables["location"][0]["id"]
    assert len(network_from_hsds(directory).services) == 2


def test_a_network_made_in_tipframe_exports_with_stable_ids(tmp_path: Path) -> None:
    network = tipframe.load(Path(__file__).parent.parent.parent / "examples" / "svru-community-referrals.yaml")
    assert isinstance(network, ReferralNetwork)
    first, second = hsds_from_network(network), hsds_from_network(network)
    assert first.tables == second.tables
    service = first.tables["service"][0]
    organisations = {o["id"] for o in first.tables["organization"]}
    assert service["organization_id"] in organisations
    assert service["status"] == "active"
    assert service["name"] == "Emergency food parcels"
    back = network_from_hsds(first)
    assert [s.name for s in back.services] == [s.name for s in network.services]


def test_bad_directories_are_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"service": [\n  {"id": "a",}\n]}')
    assert main(["import-hsds", str(broken)]) == 1
    assert f"{broken}:2:" in capsys.readouterr().err
    tables = json.loads((HSDS / "directory.json").read_text())
    tables["service"][1]["status"] = "open"
    tables["service"][0]["organization_id"] = "nobody"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tables))
    assert main(["import-hsds", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "service[1]: status 'open' is not one of active, inactive, defunct, temporarily closed" in err
    assert "service[0]: organization_id 'nobody' names no organization" in err
    package = tmp_path / "package"
    shutil.copytree(HSDS / "package", package)
    with (package / "services.csv").open("a") as handle:
        handle.write("x,y,z" + ",extra" * 30 + "\n")
    assert main(["import-hsds", str(package)]) == 1
    assert "services.csv:4:" in capsys.readouterr().err
    assert main(["import-hsds", str(tmp_path / "nowhere.json")]) == 2


def test_cli_imports_and_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "eastfield.yaml"
    assert main(["import-hsds", str(HSDS / "package"), "--id", "eastfield", "--levels", "builtin:nes-levels",
                 "-o", str(target)]) == 0  # fmt: skip
    network = tipframe.load(target, ReferralNetwork)
    assert network.id == "eastfield"
    assert network.levels == "builtin:nes-levels"
    assert main(["validate", str(target)]) == 0
    assert main(["network", str(target), "--export", "hsds-csv", "-o", str(tmp_path / "out")]) == 0
    assert read_hsds(tmp_path / "out").tables == read_hsds(HSDS / "package").tables
    assert main(["network", str(target), "--export", "hsds-json", "-o", str(tmp_path / "out.json")]) == 0
    with pytest.raises(SystemExit) as usage:
        main(["import-hsds", str(HSDS / "package"), "--id", "Not An Id"])
    assert usage.value.code == 2
    capsys.readouterr()
    assert main(["check", str(target)]) == 0
    assert "TIP707 info" in capsys.readouterr().out


def test_records_come_back_as_they_went_in(tmp_path: Path) -> None:
    tables = {
        "organization": [{"id": 1, "name": "  "}, {"id": 2, "name": "Helpline"}],
        "service": [
            {"id": 10, "organization_id": 1, "name": "Drop-in", "status": ""},
            {"id": 11, "organization_id": 2, "name": "Calls", "description": " ", "eligibility_description": None},
        ],
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(tables))
    network = _through_a_document(network_from_hsds(read_hsds(path)), tmp_path)
    assert network.organisations[0].name is None  # a blank name is not invented
    back = hsds_from_network(network).tables
    assert back["organization"] == tuple(tables["organization"])
    assert back["service"] == tuple(tables["service"])  # ids stay numbers, the empty status stays empty


def test_a_record_without_an_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"organization": [{"name": "No id"}], "service": [{"name": "S", "status": "active"}]}))
    with pytest.raises(tipframe.DocumentError) as error:
        network_from_hsds(read_hsds(path))
    messages = [p.message for p in error.value.problems]
    assert "organization[0]: a record needs an id" in messages
    assert "service[0]: a record needs an id" in messages


def test_package_paths_stay_inside_the_package(tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(HSDS / "package", package)
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][5]["path"] = "../outside.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "outside.csv").write_text("id\n1\n")
    with pytest.raises(tipframe.DocumentError, match=r"resources\[5\].path '../outside.csv' leads outside"):
        read_hsds(package)
    directory = read_hsds(HSDS / "package")
    escaping = attrs.evolve(directory, datapackage={**dict(directory.datapackage or {}), "resources": [
        {"name": "phone", "path": "../escaped.csv"}]})  # fmt: skip
    with pytest.raises(tipframe.DocumentError, match="leads outside"):
        write_hsds(escaping, tmp_path / "out", "csv")
    assert not (tmp_path / "escaped.csv").exists()


def test_a_repeated_column_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(HSDS / "package", package)
    (package / "phones.csv").write_text("id,number,number\np1,0141 1,0141 2\n")
    with pytest.raises(tipframe.DocumentError, match="column 'number' more than once"):
        read_hsds(package)


def test_nested_records_become_tables_of_their_own_in_a_package(tmp_path: Path) -> None:
    directory = read_hsds(HSDS / "directory.json")
    write_hsds(directory, tmp_path / "out", "csv")
    package = read_hsds(tmp_path / "out")
    phones = package.tables["phone"]
    assert phones[0]["service_id"] == "ac148810-d857-441c-9679-408f346de14b"
    assert phones[0]["number"] == "0141 000 0000"
    assert "phones" not in package.columns["service"]
    assert package.tables["organization_identifier"][0]["organization_id"] == "0fdfb57f-c147-4cfb-864c-44788a335d8c"
    assert package.tables["service_area"][0]["name"] == "Eastfield"


def test_line_breaks_a_spreadsheet_writes_in_a_cell_become_plain_ones(tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(HSDS / "package", package)
    services = package / "services.csv"
    text = services.read_text(encoding="utf-8").replace(
        "Three days of food for anyone who needs it.", '"Three days of food\r\nfor anyone who needs it."'
    )
    services.write_bytes(text.encode("utf-8"))
    network = network_from_hsds(read_hsds(package))
    descriptions = [service.description or "" for service in network.services]
    assert "Three days of food\nfor anyone who needs it." in descriptions
