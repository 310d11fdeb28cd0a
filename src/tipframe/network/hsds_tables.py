"""HSDS 3.x's tables as the specification publishes them: their fields, their CSV files, how records nest.

Facts of the Open Referral Human Services Data Specification (the openreferral/specification
repository: ``schema/*.json`` and ``datapackage.json``, 3.0 to 3.2): each table's columns in the
order the specification's CSV examples give them, the file a tabular package names each table's
CSV, and the keys under which one table's records nest in another's (``phones`` in a service,
``location`` in a service_at_location). A nested record carries no key to its parent: the nesting
says it, and a flat table says it with a foreign key (`link_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["FIELDS", "FILES", "NESTED", "REQUIRED", "TABULAR_REQUIRED", "TYPES", "link_of", "owner_key"]

#: each table's columns, in the order of the specification's CSV examples
FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "organization": ("id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
                     "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"),
    "program": ("id", "organization_id", "name", "alternate_name", "description"),
    "service": ("id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email",
                "status", "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
                "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                "assurer_email", "licenses", "alert", "last_modified"),
    "service_at_location": ("id", "service_id", "location_id", "description"),
    "location": ("id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
                 "transportation", "latitude", "longitude", "external_identifier", "external_identifier_type"),
    "phone": ("id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
              "extension", "type", "description"),
    "contact": ("id", "organization_id", "service_id", "service_at_location_id", "location_id", "name", "title",
                "department", "email"),
    "address": ("id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
                "postal_code", "country", "address_type"),
    "schedule": ("id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
                 "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday",
                 "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes"),
    "funding": ("id", "organization_id", "service_id", "source"),
    "service_area": ("id", "service_id", "service_at_location_id", "name", "description", "extent", "extent_type",
                     "uri"),
    "required_document": ("id", "service_id", "document", "uri"),
    "language": ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    "accessibility": ("id", "location_id", "description", "details", "url"),
    "taxonomy_term": ("id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id",
                      "term_uri"),
    "taxonomy": ("id", "name", "description", "uri", "version"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label"),
    "metadata": ("id", "resource_id", "resource_type", "last_action_date", "last_action_type", "field_name",
                 "previous_value", "replacement_value", "updated_by"),
    "meta_table_description": ("id", "name", "language", "character_set"),
    "cost_option": ("id", "service_id", "valid_from", "valid_to", "option", "currency", "amount",
                    "amount_description"),
    "organization_identifier": ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
    "url": ("id", "label", "url", "organization_id", "service_id"),
    "service_capacity": ("id", "service_id", "unit_id", "available", "maximum", "description", "updated"),
    "unit": ("id", "name", "scheme", "identifier", "uri"),
}  # fmt: skip

#: the fields each table's records must have, as the specification's schemas require them (nested keys aside)
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "organization": ("id", "name", "description"), "program": ("id", "name", "description"),
    "service": ("id", "name", "status"), "location": ("id", "location_type"), "phone": ("id", "number"),
    "address": ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
    "taxonomy_term": ("id", "name", "description"), "taxonomy": ("id", "name", "description"),
    "metadata": ("id", "last_action_date", "last_action_type", "field_name", "previous_value", "replacement_value",
                 "updated_by"),
    "organization_identifier": ("id", "identifier_type", "identifier"), "url": ("id", "url"),
    "service_capacity": ("id", "available", "updated"), "unit": ("id", "name"),
}  # fmt: skip

#: the foreign keys a table's flat rows must have besides (``tabular_required`` in the specification's schemas)
TABULAR_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "program": ("organization_id",), "service": ("organization_id",),
    "service_at_location": ("service_id", "location_id"), "attribute": ("link_id", "taxonomy_term_id", "link_entity"),
    "metadata": ("resource_id", "resource_type"), "cost_option": ("service_id",),
    "organization_identifier": ("organization_id",), "service_capacity": ("unit_id", "service_id"),
}  # fmt: skip

#: each table's CSV file in a tabular package, as the specification's datapackage.json names it
FILES: Final[Mapping[str, str]] = {
    "organization": "organizations.csv", "program": "programs.csv", "service": "services.csv",
    "service_at_location": "service_at_location.csv", "location": "locations.csv", "phone": "phones.csv",
    "contact": "contacts.csv", "address": "addresses.csv", "schedule": "schedules.csv", "funding": "funding.csv",
    "service_area": "service_areas.csv", "required_document": "required_documents.csv",
    "language": "languages.csv", "accessibility": "accessibility.csv", "taxonomy_term": "taxonomy_terms.csv",
    "taxonomy": "taxonomies.csv", "attribute": "attributes.csv", "metadata": "metadata.csv",
    "meta_table_description": "meta_table_descriptions.csv", "cost_option": "cost_options.csv",
    "organization_identifier": "organization_identifiers.csv", "url": "url.csv",
    "service_capacity": "service_capacity.csv", "unit": "units.csv",
}  # fmt: skip

_EVERYWHERE: Final = {"attributes": ("attribute", True), "metadata": ("metadata", True)}

#: the keys under which a table's records hold other tables' records: key -> (table, a list of them)
NESTED: Final[Mapping[str, Mapping[str, tuple[str, bool]]]] = {
    "organization": {"additional_websites": ("url", True), "funding": ("funding", True),
                     "contacts": ("contact", True), "phones": ("phone", True), "locations": ("location", True),
                     "programs": ("program", True), "services": ("service", True),
                     "organization_identifiers": ("organization_identifier", True), **_EVERYWHERE},
    "program": {**_EVERYWHERE},
    "service": {"additional_urls": ("url", True), "phones": ("phone", True), "schedules": ("schedule", True),
                "service_areas": ("service_area", True), "service_at_locations": ("service_at_location", True),
                "languages": ("language", True), "organization": ("organization", False),
                "funding": ("funding", True), "cost_options": ("cost_option", True), "program": ("program", False),
                "required_documents": ("required_document", True), "contacts": ("contact", True),
                "capacities": ("service_capacity", True), **_EVERYWHERE},
    "service_at_location": {"service_areas": ("service_area", True), "contacts": ("contact", True),
                            "phones": ("phone", True), "schedules": ("schedule", True),
                            "location": ("location", False), "service": ("service", False), **_EVERYWHERE},
    "location": {"languages": ("language", True), "addresses": ("address", True), "contacts": ("contact", True),
                 "accessibility": ("accessibility", True), "phones": ("phone", True),
                 "schedules": ("schedule", True), **_EVERYWHERE},
    "phone": {"languages": ("language", True), **_EVERYWHERE},
    "contact": {"phones": ("phone", True), **_EVERYWHERE},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", False), "metadata": ("metadata", True)},
    "taxonomy": {"metadata": ("metadata", True)},
    "attribute": {"taxonomy_term": ("taxonomy_term", False), "metadata": ("metadata", True)},
    "metadata": {},
    "service_capacity": {"unit": ("unit", False), **_EVERYWHERE},
    **{t: dict(_EVERYWHERE) for t in ("address", "schedule", "funding", "service_area", "required_document",
                                      "language", "accessibility", "meta_table_description", "cost_option",
                                      "organization_identifier", "url", "unit")},
}  # fmt: skip

#: the datapackage type of columns that are not text (the specification's types: number, date, datetime, time)
TYPES: Final[Mapping[str, str]] = {
    "year_incorporated": "number", "minimum_age": "number", "maximum_age": "number", "latitude": "number",
    "longitude": "number", "extension": "number", "count": "number", "interval": "number", "amount": "number",
    "available": "number", "maximum": "number", "assured_date": "date", "valid_from": "date", "valid_to": "date",
    "last_action_date": "date", "dtstart": "date", "until": "date", "last_modified": "datetime",
    "updated": "datetime", "opens_at": "time", "closes_at": "time",
}  # fmt: skip

#: an object nested in a record names it by this key of the record (a service's ``organization``: organization_id)
_OWNED: Final = {"taxonomy_detail": "taxonomy_id"}


def owner_key(key: str) -> str:
    """The field of a record that names the object nested under ``key`` (``organization``: ``organization_id``)."""
    return _OWNED.get(key, f"{key}_id")


def link_of(table: str, parent: str) -> tuple[str, str | None]:
    """How a flat row of ``table`` names the ``parent`` table's record it was nested in: the field holding the
    parent's id, and the field holding the parent's table name where the link can lead to any table (an
    attribute's ``link_id`` and ``link_entity``, metadata's ``resource_id`` and ``resource_type``)."""
    if table == "attribute":
        return "link_id", "link_entity"
    if table == "metadata":
        return "resource_id", "resource_type"
    return f"{parent}_id", None
