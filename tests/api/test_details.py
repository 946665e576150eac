"""API details (issue 20, item 10): nullable enums that strict OpenAPI 3.0.3 validators accept, file
downloads a generated client can call, a schema for a report's figures, and the order of refusals
(who may act before what was sent; the state before the reason)."""

import json

import jsonschema
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.generators import SchemaGenerator

from apps.review import submit_services
from tests.factories import AssessmentFactory


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, cls=DjangoJSONEncoder))


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def strictly_accepts_null(schema, node) -> bool:
    """Does `node` accept null as OpenAPI 3.0.3 states it (the clarification of `nullable`): it
    adds null to the values of a schema's own `type` only; an `enum` accepts only what it lists;
    `allOf` needs every part to accept null, `oneOf`/`anyOf` one of them."""
    node = _resolve(schema, node)
    if "allOf" in node and not all(strictly_accepts_null(schema, part) for part in node["allOf"]):
        return False
    for key in ("oneOf", "anyOf"):
        if key in node and not any(strictly_accepts_null(schema, part) for part in node[key]):
            return False
    if "enum" in node:
        return None in node["enum"]
    if "type" in node:
        return bool(node.get("nullable"))
    return True


def _nullable_enum_properties(schema):
    """(component, property, schema) of every nullable property whose values are an enum."""

    def has_enum(node) -> bool:
        node = _resolve(schema, node)
        parts = [*node.get("allOf", []), *node.get("oneOf", []), *node.get("anyOf", [])]
        return "enum" in node or any(has_enum(p) for p in parts)

    for name, component in schema["components"]["schemas"].items():
        for prop, node in component.get("properties", {}).items():
            if node.get("nullable") and has_enum(node):
                yield name, prop, node


def test_nullable_enums_include_null_for_strict_validators(schema):
    found = list(_nullable_enum_properties(schema))
    names = {(c, p) for c, p, _n in found}
    assert {("Assessment", "review_level"), ("Community", "retirement")} <= names
    refused = [f"{c}.{p}" for c, p, node in found if not strictly_accepts_null(schema, node)]
    assert not refused, f"nullable enums that strict validators refuse null for: {refused}"


def test_every_nullable_property_accepts_null_for_strict_validators(schema):
    """The same reading for every nullable property (nested objects too: a report's `scores`)."""
    refused = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, node in component.get("properties", {}).items()
        if node.get("nullable") and not strictly_accepts_null(schema, node)
    ]
    assert not refused, refused


def test_the_strict_reading_bites():
    schema = {"components": {"schemas": {"E": {"type": "string", "enum": ["a"]}}}}
    assert not strictly_accepts_null(
        schema, {"allOf": [{"$ref": "#/components/schemas/E"}], "nullable": True}
    )
    assert strictly_accepts_null(
        schema, {"oneOf": [{"$ref": "#/components/schemas/E"}, {"enum": [None]}], "nullable": True}
    )


def test_null_values_in_answers_validate_strictly(api, schema, community_user, assessment):
    """A draft assessment (review_level null) and a community in the registry (retirement null),
    checked with jsonschema against the strict reading of their properties."""
    body = api(community_user).get(f"/api/v1/assessments/{assessment.pk}/").json()
    community = api(community_user).get(f"/api/v1/communities/{assessment.community_id}/").json()
    assert body["review_level"] is None and community["retirement"] is None
    for component, prop, value in (("Assessment", "review_level", None), ("Community", "retirement", None)):
        node = schema["components"]["schemas"][component]["properties"][prop]
        jsonschema.validate(value, _strict_json_schema(schema, node))


def _strict_json_schema(schema, node):
    """An OpenAPI 3.0 schema as JSON Schema, `nullable` read strictly, references inlined."""
    node = _resolve(schema, node)
    out = {}
    for key, value in node.items():
        if key in ("allOf", "oneOf", "anyOf"):
            out[key] = [_strict_json_schema(schema, part) for part in value]
        elif key == "properties":
            out[key] = {k: _strict_json_schema(schema, v) for k, v in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _strict_json_schema(schema, value)
        elif key in ("nullable", "readOnly", "writeOnly", "format", "description", "title", "example"):
            continue
        else:
            out[key] = value
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


# --- downloads --------------------------------------------------------------------------------

DOWNLOADS = [
    ("/api/v1/evidence/{id}/", "get"),
    ("/api/v1/reports/annual/{id}/pdf/", "get"),
    ("/api/v1/reports/national/{year}/pdf/", "get"),
]


@pytest.mark.parametrize(("path", "method"), DOWNLOADS)
def test_downloads_are_binary_responses_every_client_generator_knows(schema, path, method):
    content = schema["paths"][path][method]["responses"]["200"]["content"]
    binary = {"type": "string", "format": "binary"}
    assert content["application/octet-stream"] == {"schema": binary}
    assert all(media["schema"] == binary for media in content.values())
    if "pdf" in path:
        assert content["application/pdf"] == {"schema": binary}
    # JSON answers stay JSON.
    assert (
        "application/octet-stream"
        not in schema["paths"]["/api/v1/campaign/"]["get"]["responses"]["200"]["content"]
    )


# --- a report's figures -------------------------------------------------------------------------


def test_a_reports_figures_have_a_schema_that_its_answer_meets(api, schema, submitted, province_user):
    from apps.reports import services as report_services

    figures = schema["components"]["schemas"]["AnnualReport"]["properties"]["figures"]
    described = _resolve(schema, figures["allOf"][0] if "allOf" in figures else figures)
    assert {"totals", "criteria", "counties", "approved_list", "standard", "scores"} <= set(
        described["properties"]
    )
    totals = _resolve(schema, described["properties"]["totals"])
    assert {"registered", "participating", "meeting", "share", "waiting"} <= set(totals["properties"])
    report = report_services.annual_report_compile(province_code="310000000000", year=2026)
    body = api(province_user).get(f"/api/v1/reports/annual/{report.pk}/").json()
    assert body["figures"]["totals"]["participating"] == 1  # the submitted assessment
    jsonschema.validate(body["figures"], _strict_json_schema(schema, described))
    # The stored dict is returned as it is, every key of it.
    report.refresh_from_db()
    assert body["figures"] == json.loads(json.dumps(report.figures, cls=DjangoJSONEncoder))


# --- the order of refusals --------------------------------------------------------------------


RETIRE_BODIES = [
    {},
    {"retirement": "nonsense"},
    {"retirement": "abolished", "retired_on": "2026-06-01"},
]


@pytest.mark.parametrize("body", RETIRE_BODIES)
def test_a_county_retiring_a_community_is_refused_before_any_field_check(
    api, city_user, xuhui_community, body
):
    r = api(city_user).post(f"/api/v1/communities/{xuhui_community.code}/retire/", body, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert "省级" in r.json()["message"]
    xuhui_community.refresh_from_db()
    assert xuhui_community.retired_on is None


def test_the_province_still_retires_and_is_told_about_its_fields(api, province_user, xuhui_community):
    province = api(province_user)
    r = province.post(f"/api/v1/communities/{xuhui_community.code}/retire/", {}, format="json")
    assert r.status_code == 400 and "retirement" in r.json()["fields"]
    r = province.post(
        f"/api/v1/communities/{xuhui_community.code}/retire/",
        {"retirement": "abolished", "retired_on": "2026-06-01"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["retirement"] == "abolished"


@pytest.fixture
def scored_at_the_city(province_user, community_user, xuhui_community, settings):
    """Under a scored local standard, submitted: waiting at the city/county level, no confirmed
    total yet (it counts as 0: below the pass mark)."""
    from tests.assessments.test_scores import fill_scored
    from tests.standards.builders import variant_published

    settings.CAMPAIGN_YEAR = 2026
    variant_published(province_user, year=2026)
    a = AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    fill_scored(a, community_user, score="4")
    return submit_services.assessment_submit(assessment=a, user=community_user)


def test_approving_an_assessment_not_yet_at_the_province_is_a_wrong_state(
    api, province_user, scored_at_the_city
):
    a = scored_at_the_city
    for body in ({}, {"reason": "已承诺整改。"}):
        r = api(province_user).post(f"/api/v1/assessments/{a.pk}/approve/", body, format="json")
        assert r.status_code == 409 and r.json()["code"] == "wrong_state", r.json()
        assert "未作任何更改" in r.json()["message"]
    a.refresh_from_db()
    assert a.state == "submitted"


def test_a_committee_approving_is_refused_for_its_role_first(api, community_user, scored_at_the_city):
    r = api(community_user).post(f"/api/v1/assessments/{scored_at_the_city.pk}/approve/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
