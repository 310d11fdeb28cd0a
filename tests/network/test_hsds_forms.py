"""HSDS as published: every form the specification publishes is read, and written back as it came, with every
record, field and parent link kept; packages keep their line endings and pass Frictionless; nested records go to a
package and back with nothing lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from tipframe.io.documents import dump, load
from tipframe.io.problems import DocumentError
from tipframe.model import NetworkOrganisation, ReferralNetwork
from tipframe.network.hsds import hsds_from_network, network_from_hsds, read_hsds, write_hsds
from tipframe.network.hsds_forms import flat_tables, nest
from tipframe.network.hsds_tables import FIELDS, FILES

from .hsds_fixtures import TABLE_DESCRIPTION, page, records_of_each_table, service_full, service_list


def _tabular(by_file: bool) -> dict[str, Any]:
    tables = flat_tables("", {"service": [service_full()]})
    tables["meta_table_description"] = [dict(TABLE_DESCRIPTION)]
    return {(FILES[t] if by_file else t): rows for t, rows in tables.items()}


FORMS: dict[str, Callable[[], Any]] = {
    **{f"{t} record": (lambda t=t: records_of_each_table()[t]) for t in records_of_each_table()},
    **{f"page of {t}": (lambda t=t: page([records_of_each_table()[t]])) for t in records_of_each_table()},
    "list of services": service_list,
    "page of services": lambda: page(service_list()),
    "empty page": lambda: page([]),
    "tabular JSON by table": lambda: _tabular(False),
    "tabular JSON by file": lambda: _tabular(True),
    # the UK profile's: a service_at_location listed by id alone, and its legacy fields
    "UK profile service": lambda: {**{k: v for k, v in service_full().items() if not isinstance(v, list | dict)},
                                   "organization": {"id": "o-1", "name": "Eastfield Counselling"},
                                   "service_at_locations": [{"id": "sal-1"}],
                                   "service_areas": [{"id": "a-1", "service_area": "Eastfield"}]},
}  # fmt: skip


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def _norm(value: Any) -> str:
    """A value as a CSV cell holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _normalised(tables: Any) -> dict[str, list[str]]:
    """Tables as sorted rows of (column, cell) pairs, empty cells left out: what a CSV package can say."""
    return {t: sorted(json.dumps(sorted((k, _norm(v)) for k, v in row.items() if _norm(v) != "")) for row in rows)
            for t, rows in tables.items() if rows}  # fmt: skip


def test_the_fixtures_hold_every_table_and_form() -> None:
    tables = flat_tables("", {"service": [service_full()], "meta_table_description": [TABLE_DESCRIPTION]})
    assert set(tables) == set(FIELDS)
    for table, rows in tables.items():  # every published field of every table is there
        assert set(FIELDS[table]) <= {k for row in rows for k in row}, table


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_is_written_back_as_it_came(form: str, tmp_path: Path) -> None:
    data = FORMS[form]()
    path = _write(tmp_path, "in.json", data)
    directory = read_hsds(path)
    write_hsds(directory, tmp_path / "out.json", "json")
    assert (tmp_path / "out.json").read_text() == path.read_text()  # byte for byte, layout and all


@pytest.mark.parametrize(("indent", "ascii_only", "newline"), [(2, True, False), (4, False, True), (None, True, True)])
def test_json_is_laid_out_as_it_came(indent: int | None, ascii_only: bool, newline: bool, tmp_path: Path) -> None:
    data = service_full()
    data["fees_description"] = "£5 a session"
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only) + ("\n" if newline else "")
    (tmp_path / "in.json").write_text(text)
    write_hsds(read_hsds(tmp_path / "in.json"), tmp_path / "out.json", "json")
    assert (tmp_path / "out.json").read_text() == text


@pytest.mark.parametrize("form", ["service record", "list of services", "page of services", "tabular JSON by file"])
def test_through_a_network_nothing_is_lost(form: str, tmp_path: Path) -> None:
    data = FORMS[form]()
    network = network_from_hsds(read_hsds(_write(tmp_path, "in.json", data)))
    dump(network, tmp_path / "network.yaml")
    again = hsds_from_network(load(tmp_path / "network.yaml", ReferralNetwork))
    write_hsds(again, tmp_path / "out.json", "json")
    assert json.loads((tmp_path / "out.json").read_text()) == data


def test_an_edit_reaches_every_place_a_record_is_nested(tmp_path: Path) -> None:
    data = service_list()
    network = network_from_hsds(read_hsds(_write(tmp_path, "in.json", data)))
    organisation = attrs.evolve(network.organisations[0], name="Eastfield Counselling Service")
    renamed = attrs.evolve(network, organisations=(organisation, *network.organisations[1:]))
    write_hsds(hsds_from_network(renamed), tmp_path / "out.json", "json")
    out = json.loads((tmp_path / "out.json").read_text())
    assert [s["organization"]["name"] for s in out] == ["Eastfield Counselling Service"] * 2
    data[0]["organization"]["name"] = data[1]["organization"]["name"] = "Eastfield Counselling Service"
    assert out == data  # nothing else changed


@pytest.mark.parametrize("form", ["service record", "organization record", "service_at_location record",
                                  "location record", "taxonomy_term record", "page of services",
                                  "tabular JSON by table"])  # fmt: skip
def test_nested_to_a_package_and_back_loses_nothing(form: str, tmp_path: Path) -> None:
    first = read_hsds(_write(tmp_path, "in.json", FORMS[form]()))
    write_hsds(first, tmp_path / "package", "csv")
    package = read_hsds(tmp_path / "package")
    assert _normalised(package.tables) == _normalised(flat_tables("", first.tables))  # every record, field, link
    if first.form is not None and first.form.table is not None:  # and nested again, as the form nests them
        renested = nest(package.tables, first.form.table)
        assert _normalised(flat_tables("", {first.form.table: renested})) == _normalised(package.tables)


def test_links_to_every_parent_are_kept(tmp_path: Path) -> None:
    first = read_hsds(_write(tmp_path, "in.json", service_full()))
    phone = first.tables["phone"][0]  # one phone, nested under the service, a contact, the location and its link
    assert {k for k in phone if k.endswith("_id")} == {"service_id", "contact_id", "service_at_location_id",
                                                        "location_id"}  # fmt: skip
    assert first.tables["service_at_location"][0]["location_id"] == first.tables["location"][0]["id"]
    assert first.tables["taxonomy_term"][0]["taxonomy_id"] == first.tables["taxonomy"][0]["id"]
    assert "taxonomy_detail" not in first.tables
    links = sum(1 for rows in first.tables.values() for r in rows for k, v in r.items() if k.endswith("_id") and v)
    write_hsds(first, tmp_path / "package", "csv")
    package = read_hsds(tmp_path / "package")
    again = sum(1 for rows in package.tables.values() for r in rows for k, v in r.items() if k.endswith("_id") and v)
    assert again == links


def test_a_package_has_hsds_names_and_table_schemas(tmp_path: Path) -> None:
    write_hsds(read_hsds(_write(tmp_path, "in.json", service_full())), tmp_path / "package", "csv")
    names = {p.name for p in (tmp_path / "package").iterdir()}
    assert {"addresses.csv", "phones.csv", "service_at_location.csv", "taxonomies.csv", "services.csv"} <= names
    assert not {"addresse.csv", "phone.csv", "service_at_locations.csv", "taxonomy_detail.csv"} & names
    descriptor = json.loads((tmp_path / "package" / "datapackage.json").read_text())
    resources = {r["name"]: r for r in descriptor["resources"]}
    service = resources["service"]["schema"]
    assert service["primaryKey"] == "id"
    assert {"fields": "organization_id", "reference": {"resource": "organization", "fields": "id"}} in service[
        "foreignKeys"
    ]
    types = {f["name"]: f["type"] for f in service["fields"]}
    assert (types["minimum_age"], types["assured_date"], types["last_modified"]) == ("number", "date", "datetime")


def test_packages_pass_frictionless(tmp_path: Path) -> None:
    import frictionless  # the test extra's: Frictionless is how others will check a package

    for number, form in enumerate(["service record", "organization record", "page of services",
                                   "tabular JSON by file"]):  # fmt: skip
        folder = tmp_path / f"package-{number}"
        write_hsds(read_hsds(_write(tmp_path, f"in-{number}.json", FORMS[form]())), folder, "csv")
        report = frictionless.validate(str(folder / "datapackage.json"))
        assert report.valid, (form, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r\r\n"])
def test_line_endings_are_kept(ending: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    services = ending.join(["id,organization_id,name,status", "s1,o1,Food parcels,active", "s2,o1,Advice,active"])
    (folder / "services.csv").write_bytes((services + ending).encode())
    (folder / "organizations.csv").write_bytes(ending.join(["id,name", "o1,Foodbank", ""]).encode())
    descriptor = {"name": "d", "resources": [{"name": "service", "path": "services.csv"},
                                             {"name": "organization", "path": "organizations.csv"}]}  # fmt: skip
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    directory = read_hsds(folder)
    assert [r["name"] for r in directory.tables["service"]] == ["Food parcels", "Advice"]
    write_hsds(hsds_from_network(network_from_hsds(directory)), tmp_path / "out", "csv")
    for name in ("services.csv", "organizations.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (folder / name).read_bytes(), name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "cannot tell which HSDS table"),
        ({"colour": "blue", "size": 3}, "key 'colour' holds no list of rows"),
        ("text", "not HSDS"),
        ({"id": "x", "colour": "blue", "size": 3}, "cannot tell which HSDS table this record is of"),
        ({"contents": [{"name": "no id", "status": "active"}], "total_items": 1}, "a record needs an id"),
    ],
)
def test_what_is_not_hsds_is_refused_naming_what_was_expected(data: Any, message: str, tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=message) as caught:
        read_hsds(_write(tmp_path, "in.json", data))
    text = str(caught.value)
    assert "in.json" in text
    if "cannot tell" in message or "not HSDS" in message or "holds no list" in message:
        assert "API page (total_items, ..., contents)" in text


def test_the_command_takes_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    path = str(_write(tmp_path, "in.json", page(service_list())))
    assert main(["import-hsds", path, "--table", "service", "-o", str(tmp_path / "n.yaml")]) == 0
    assert "2 services" in capsys.readouterr().err
    assert main(["import-hsds", str(_write(tmp_path, "odd.json", {"colour": "blue"}))]) == 1
    assert "holds no list of rows" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:  # not a table: wrong usage
        main(["import-hsds", path, "--table", "services"])
    assert stopped.value.code == 2


def test_an_organisations_page_is_read_as_organisations(tmp_path: Path) -> None:
    directory = read_hsds(_write(tmp_path, "in.json", page([records_of_each_table()["organization"]])))
    assert directory.form is not None
    assert (directory.form.kind, directory.form.table) == ("page", "organization")
    assert len(directory.tables["organization"]) == 1
    assert directory.tables["service"][0]["organization_id"] == directory.tables["organization"][0]["id"]


def _validators(tabular: bool = False) -> dict[str, Any]:
    """A validator a table, from the specification's table schemas kept in tests/data/hsds-schema (their ``$ref``s
    name each other's files); for tabular rows, the fields a row requires are the schema's own ones that are not
    nested records, and its ``tabular_required`` (foreign keys)."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    folder = Path(__file__).parents[1] / "data" / "hsds-schema"
    schemas = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}
    if tabular:
        for schema in schemas.values():
            nested = {k for k, v in schema.get("properties", {}).items() if "$ref" in v or v.get("type") == "array"}
            required = [f for f in schema.get("required", []) if f not in nested]
            schema["required"] = required + [f for f in schema.get("tabular_required", []) if f not in required]
    registry: Registry[Any] = Registry()
    for stem, schema in schemas.items():
        resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        registry = registry.with_resource(f"{stem}.json", resource)
        if "$id" in schema:
            registry = registry.with_resource(schema["$id"], resource)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return {stem: jsonschema.Draft202012Validator(s, registry=registry, format_checker=checker)
            for stem, s in schemas.items()}  # fmt: skip


def _errors(data: Any, table: str | None) -> list[str]:
    """Each record's errors against its table's schema: nested forms' records, or tabular JSON's rows."""
    validators = _validators(tabular=table is None)
    if table is None:  # tabular JSON: each row against its table
        by_file = {file: t for t, file in FILES.items()}
        pairs = [(by_file.get(key, key), row) for key, rows in data.items() for row in rows]
    else:
        records = data["contents"] if isinstance(data, dict) and "contents" in data else data
        pairs = [(table, record) for record in (records if isinstance(records, list) else [records])]
    return [f"{t} {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for t, row in pairs for e in validators[t].iter_errors(row)]  # fmt: skip


@pytest.mark.parametrize("form", sorted(f for f in FORMS if not f.startswith("UK")))  # the UK profile differs
def test_json_exports_pass_the_hsds_schemas(form: str, tmp_path: Path) -> None:
    data = FORMS[form]()
    directory = read_hsds(_write(tmp_path, "in.json", data))
    table = directory.form.table if directory.form is not None and directory.form.kind != "tables" else None
    table = None if directory.form is not None and directory.form.kind in ("tables", "files") else table
    assert _errors(data, table) == []  # the fixtures are HSDS as the schemas have it
    network_form = form in ("service record", "list of services", "page of services", "tabular JSON by file")
    if network_form:
        directory = hsds_from_network(network_from_hsds(directory))
    write_hsds(directory, tmp_path / "out.json", "json")
    assert _errors(json.loads((tmp_path / "out.json").read_text()), table) == []


def test_the_schemas_catch_what_is_not_hsds() -> None:
    broken = service_full()
    broken["status"] = "open"
    broken["phones"][0].pop("number")
    errors = _errors(broken, "service")
    assert any("status: 'open' is not one of" in e for e in errors)
    assert any("'number' is a required property" in e for e in errors)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r", "\r\r\n"])
def test_a_line_break_in_a_cell_comes_back_as_it_was(ending: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = ["id,organization_id,name,status,description", f'"s1",o1,Advice,active,"two{ending}lines"', ""]
    (folder / "services.csv").write_bytes(ending.join(rows).replace('"s1"', "s1").encode())
    (folder / "organizations.csv").write_bytes(ending.join(["id,name", "o1,Advice centre", ""]).encode())
    (folder / "datapackage.json").write_text(json.dumps({"resources": [{"path": "services.csv"},
                                                                       {"path": "organizations.csv"}]}))  # fmt: skip
    directory = read_hsds(folder)  # resources named by their files alone: HSDS's file names tell the tables
    assert directory.tables["service"][0]["description"] == "two\nlines"
    write_hsds(hsds_from_network(network_from_hsds(directory)), tmp_path / "out", "csv")
    assert (tmp_path / "out" / "services.csv").read_bytes() == (folder / "services.csv").read_bytes()
    assert [r["id"] for r in read_hsds(tmp_path / "out").tables["service"]] == ["s1"]


def _edit(network: ReferralNetwork, **changes: Any) -> ReferralNetwork:
    from tipframe.model import Service, ServiceStatus

    services = list(network.services)
    if "drop" in changes:
        services = [s for s in services if s.name != changes["drop"]]
    if "add" in changes:
        services.append(Service(id="new-service", name=changes["add"], organisation=changes.get("to", "new-org"),
                                status=ServiceStatus.ACTIVE))  # fmt: skip
    organisations = list(network.organisations)
    if changes.get("to", "new-org") == "new-org" and "add" in changes:
        from tipframe.model import NetworkOrganisation

        organisations.append(NetworkOrganisation(id="new-org", name="New Org"))
    return attrs.evolve(network, services=tuple(services), organisations=tuple(organisations))


def test_services_dropped_moved_and_added_in_a_nested_form(tmp_path: Path) -> None:
    data = page(service_list())
    network = network_from_hsds(read_hsds(_write(tmp_path, "in.json", data)))
    edited = _edit(network, drop="Peer support group", add="Crisis line")
    write_hsds(hsds_from_network(edited), tmp_path / "out.json", "json")
    out = json.loads((tmp_path / "out.json").read_text())
    assert [s["name"] for s in out["contents"]] == ["Adult counselling", "Crisis line"]
    assert out["contents"][1]["organization"]["name"] == "New Org"  # nested as the others are
    assert (out["size"], out["total_items"]) == (2, 2)
    again = network_from_hsds(read_hsds(tmp_path / "out.json"))
    assert {s.name for s in again.services} == {"Adult counselling", "Crisis line"}
    new_org = NetworkOrganisation(id="new-org", name="New Org")
    moved = attrs.evolve(network, services=(attrs.evolve(network.services[1], organisation="new-org"),),
                         organisations=(*network.organisations, new_org))  # fmt: skip
    write_hsds(hsds_from_network(moved), tmp_path / "moved.json", "json")
    service = json.loads((tmp_path / "moved.json").read_text())["contents"][0]
    assert service["organization"]["name"] == "New Org"
    assert "organization_id" not in service


def test_a_record_gains_services_only_where_it_has_a_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tipframe.cli import main

    organisation = network_from_hsds(read_hsds(_write(tmp_path, "org.json", records_of_each_table()["organization"])))
    target = organisation.organisations[0].id
    write_hsds(hsds_from_network(_edit(organisation, add="Crisis line", to=target)), tmp_path / "out.json", "json")
    assert [s["name"] for s in json.loads((tmp_path / "out.json").read_text())["services"]] == [
        "Peer support group", "Crisis line"]  # fmt: skip
    service = network_from_hsds(read_hsds(_write(tmp_path, "service.json", service_full())))
    dump(_edit(service, add="Crisis line", to=service.organisations[0].id), tmp_path / "net.yaml")
    code = main(["network", str(tmp_path / "net.yaml"), "--export", "hsds-json", "-o", str(tmp_path / "x.json")])
    assert code == 1
    assert "has no place for the new services: export it as a package" in capsys.readouterr().err


def test_ambiguous_records_ask_for_their_table(tmp_path: Path) -> None:
    with pytest.raises(
        DocumentError, match="one of the tables organization, program, service_area, taxonomy, taxonomy_term"
    ):
        read_hsds(_write(tmp_path, "in.json", {"id": "x", "name": "n", "description": "d"}))
    assert read_hsds(_write(tmp_path, "in.json", {"id": "x", "name": "n", "description": "d"}),
                     table="organization").tables["organization"]  # fmt: skip
    sal = read_hsds(_write(tmp_path, "in.json", {"id": "x", "service_id": "s", "location_id": "l"}))
    assert sal.form is not None
    assert sal.form.table == "service_at_location"
    for data in ({}, {"nodes": [{"id": "a"}], "links": []}):
        with pytest.raises(DocumentError, match="names an HSDS table"):
            read_hsds(_write(tmp_path, "in.json", data))


def test_types_are_claimed_only_where_every_value_has_them(tmp_path: Path) -> None:
    from tipframe.network.datapackage import table_schema

    rows = {"service": [{"id": "a", "last_modified": "2023-01-01T25:00:00Z", "minimum_age": "18"},
                        {"id": "b", "last_modified": "2023-01-01T09:00:00Z", "minimum_age": ""}]}  # fmt: skip
    columns = {"service": ("id", "last_modified", "minimum_age")}
    fields = {f["name"]: f["type"] for f in table_schema("service", rows, columns)["fields"]}
    assert fields == {"id": "string", "last_modified": "string", "minimum_age": "number"}


def test_an_edited_package_with_schemas_stays_valid(tmp_path: Path) -> None:
    import frictionless

    write_hsds(read_hsds(_write(tmp_path, "in.json", service_full())), tmp_path / "package", "csv")
    network = _edit(network_from_hsds(read_hsds(tmp_path / "package")), add="Crisis line")
    write_hsds(hsds_from_network(network), tmp_path / "again", "csv")
    report = frictionless.validate(str(tmp_path / "again" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
