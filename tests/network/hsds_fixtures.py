"""HSDS fixtures written from the specification's published field names and forms (HSDS 3.0 to 3.2): a service
with a record of every table nested in it, as ``service_full.json`` nests them, and the other published forms
built from the same records. The values are invented."""

from __future__ import annotations

import copy
from typing import Any

PAGE = {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True, "last_page": True,
        "empty": False}  # fmt: skip


def _id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


TAXONOMY = {"id": _id(1), "name": "Service types", "description": "A taxonomy of service types.",
            "uri": "http://example.org/taxonomy", "version": "1.0"}  # fmt: skip
TERM = {"id": _id(2), "code": "counselling", "name": "Counselling", "description": "Talking therapies.",
        "parent_id": _id(41), "taxonomy": "Service types", "taxonomy_detail": TAXONOMY, "language": "en",
        "term_uri": "http://example.org/taxonomy/counselling"}  # fmt: skip
METADATA = {"id": _id(3), "resource_type": "service", "last_action_date": "2024-05-01", "last_action_type": "update",
            "field_name": "description", "previous_value": "Counselling.", "replacement_value": "Talking therapies.",
            "updated_by": "directory team"}  # fmt: skip
ATTRIBUTE_METADATA = {**METADATA, "id": _id(27), "resource_type": "attribute", "field_name": "value"}
ATTRIBUTE = {"id": _id(4), "link_type": "service_type", "link_entity": "service", "value": "yes",
             "label": "Offers counselling", "taxonomy_term": TERM, "metadata": [ATTRIBUTE_METADATA]}  # fmt: skip
LANGUAGE = {"id": _id(5), "name": "Polish", "code": "pl", "note": "Interpreter on request"}
PHONE = {"id": _id(6), "number": "0131 496 0000", "extension": 12, "type": "voice", "description": "Reception",
         "languages": [LANGUAGE]}  # fmt: skip
CONTACT = {"id": _id(7), "name": "Duty worker", "title": "Duty counsellor", "department": "Adult services",
           "email": "duty@example.org", "phones": [PHONE]}  # fmt: skip
SCHEDULE = {"id": _id(8), "valid_from": "2024-01-01", "valid_to": "2024-12-31", "dtstart": "2024-01-01",
            "timezone": 0, "until": "2024-12-31", "count": 52, "wkst": "MO", "freq": "WEEKLY", "interval": 1,
            "byday": "TU", "byweekno": "", "bymonthday": "", "byyearday": "", "description": "Tuesday evenings",
            "opens_at": "18:00:00", "closes_at": "20:00:00", "schedule_link": "http://example.org/times",
            "attending_type": "in person", "notes": "Closed on public holidays"}  # fmt: skip
ADDRESS = {"id": _id(9), "attention": "Reception", "address_1": "1 High Street", "address_2": "", "city": "Eastfield",
           "region": "Lothian", "state_province": "Scotland", "postal_code": "EH1 1AA", "country": "GB",
           "address_type": "physical"}  # fmt: skip
ACCESSIBILITY = {"id": _id(10), "description": "Step-free access", "details": "A ramp at the side door",
                 "url": "http://example.org/access"}  # fmt: skip
LOCATION = {"id": _id(11), "location_type": "physical", "url": "http://example.org/hall", "name": "Eastfield Hall",
            "alternate_name": "The hall", "description": "A community hall.", "transportation": "Bus 21",
            "latitude": 55.95, "longitude": -3.19, "external_identifier": "UPRN 1", "external_identifier_type": "UPRN",
            "languages": [LANGUAGE], "addresses": [ADDRESS], "contacts": [CONTACT], "accessibility": [ACCESSIBILITY],
            "phones": [PHONE], "schedules": [SCHEDULE]}  # fmt: skip
SERVICE_AREA = {"id": _id(12), "name": "Eastfield", "description": "The Eastfield ward", "extent": "",
                "extent_type": "", "uri": "http://example.org/wards/eastfield"}  # fmt: skip
SAL = {"id": _id(13), "description": "Counselling at Eastfield Hall", "service_areas": [SERVICE_AREA],
       "contacts": [CONTACT], "phones": [PHONE], "schedules": [SCHEDULE], "location": LOCATION}  # fmt: skip
WEBSITE = {"id": _id(14), "label": "Annual report", "url": "http://example.org/report"}
FUNDING = {"id": _id(15), "source": "Scottish Government grant"}
IDENTIFIER = {"id": _id(16), "identifier_scheme": "GB-SC", "identifier_type": "Scottish charity number",
              "identifier": "SC000000"}  # fmt: skip
PROGRAM = {"id": _id(18), "name": "Adult wellbeing", "alternate_name": "", "description": "Services for adults."}
ORGANIZATION_PHONE = {"id": _id(29), "number": "0131 496 0002", "type": "voice", "description": "Office"}
ORGANIZATION_CONTACT = {"id": _id(30), "name": "Manager", "title": "Service manager", "email": "manager@example.org"}
ONLINE = {"id": _id(31), "location_type": "virtual", "name": "Online", "url": "http://example.org/online"}
ORGANIZATION = {"id": _id(17), "name": "Eastfield Counselling", "alternate_name": "EC",
                "description": "Counselling for adults.", "email": "hello@example.org",
                "website": "http://example.org", "tax_status": "charity", "tax_id": "SC000000",
                "year_incorporated": 2011, "legal_status": "SCIO", "logo": "http://example.org/logo.png",
                "uri": "http://example.org/org", "parent_organization_id": _id(40),
                "additional_websites": [WEBSITE], "funding": [FUNDING],
                "organization_identifiers": [IDENTIFIER], "phones": [ORGANIZATION_PHONE],
                "contacts": [ORGANIZATION_CONTACT], "locations": [ONLINE], "programs": [PROGRAM]}  # fmt: skip
COST = {"id": _id(19), "valid_from": "2024-01-01", "valid_to": "2024-12-31", "option": "Standard", "currency": "GBP",
        "amount": 0, "amount_description": "Free"}  # fmt: skip
DOCUMENT = {"id": _id(20), "document": "Proof of address", "uri": "http://example.org/documents"}
UNIT = {"id": _id(21), "name": "places", "scheme": "", "identifier": "", "uri": ""}
CAPACITY = {"id": _id(22), "unit": UNIT, "available": 4, "maximum": 12, "description": "Places this week",
            "updated": "2024-05-01T09:00:00Z"}  # fmt: skip
SERVICE_URL = {"id": _id(23), "label": "Booking", "url": "http://example.org/book"}
SERVICE = {
    "id": _id(24), "name": "Adult counselling", "alternate_name": "Counselling", "description": "Talking therapies.",
    "url": "http://example.org/counselling", "email": "counselling@example.org", "status": "active",
    "interpretation_services": "Polish", "application_process": "Phone to book", "fees_description": "Free",
    "wait_time": "Two weeks", "fees": "", "accreditations": "BACP", "eligibility_description": "Adults in Eastfield",
    "minimum_age": 18, "maximum_age": 99, "assured_date": "2024-04-01", "assurer_email": "check@example.org",
    "licenses": "", "alert": "", "last_modified": "2024-05-01T09:00:00Z",
    "additional_urls": [SERVICE_URL], "phones": [PHONE], "schedules": [SCHEDULE], "service_areas": [SERVICE_AREA],
    "service_at_locations": [SAL], "languages": [LANGUAGE], "organization": ORGANIZATION, "funding": [FUNDING],
    "cost_options": [COST], "program": PROGRAM, "required_documents": [DOCUMENT], "contacts": [CONTACT],
    "capacities": [CAPACITY], "attributes": [ATTRIBUTE], "metadata": [METADATA],
}  # fmt: skip
TABLE_DESCRIPTION = {"id": _id(25), "name": "service", "language": "en", "character_set": "UTF-8"}
SECOND_SERVICE = {"id": _id(26), "name": "Peer support group", "description": "A weekly group.", "status": "active",
                  "organization": {k: v for k, v in ORGANIZATION.items() if not isinstance(v, list)},
                  "phones": [{**PHONE, "id": _id(28), "number": "0131 496 0001", "languages": []}]}  # fmt: skip


def service_full() -> dict[str, Any]:
    """A service with a record of every table but one (meta_table_description) nested in it."""
    return copy.deepcopy(SERVICE)


def service_list() -> list[dict[str, Any]]:
    """Two services, as a list (an API's unpaged or ndjson results)."""
    return copy.deepcopy([SERVICE, SECOND_SERVICE])


def page(records: list[dict[str, Any]]) -> dict[str, Any]:
    """An API page of ``records``."""
    size = len(records)
    return {**PAGE, "total_items": size, "size": size, "empty": size == 0, "contents": copy.deepcopy(records)}


def records_of_each_table() -> dict[str, dict[str, Any]]:
    """One record of each table an API serves on its own, with what HSDS nests in it."""
    sal = {**copy.deepcopy(SAL), "service": {k: v for k, v in SERVICE.items() if not isinstance(v, list | dict)}}
    organization = {**copy.deepcopy(ORGANIZATION), "services": [copy.deepcopy(SECOND_SERVICE)]}
    del organization["services"][0]["organization"]
    return {"service": service_full(), "organization": organization, "service_at_location": sal,
            "location": copy.deepcopy(LOCATION), "taxonomy": copy.deepcopy(TAXONOMY),
            "taxonomy_term": copy.deepcopy(TERM)}  # fmt: skip
