"""Schema post-processing: every operation documents the JSON error shape for each error status, and
every file download is also described as application/octet-stream."""

ERROR_STATUSES = {
    "400": ("请求无效(含字段错误)/ Invalid request, with the fields at fault", True),
    "401": ("未认证 / Not authenticated", False),
    "403": ("角色无权执行 / Your role may not do this", False),
    "404": ("不存在或不在辖区内 / Not found or outside your scope", False),
    "405": ("方法不允许 / Method not allowed", False),
    "409": ("状态冲突或版本已过期 / State conflict or stale version", True),
    "413": ("上传文件超过上限 / Upload over the limit", True),
    "415": ("不支持的媒体类型 / Unsupported media type", True),
    "429": ("请求过于频繁 / Too many requests", False),
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误代码 / Machine-readable code"},
        "message": {"type": "string", "description": "中文或英文说明 / Message (zh or en)"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "按字段的错误 / Messages per field",
        },
    },
    "required": ["code", "message", "fields"],
}


def _has_required_fields(schema: dict, components: dict) -> bool:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "oneOf" in schema:
        return all(_has_required_fields(branch, components) for branch in schema["oneOf"])
    return bool(schema.get("required"))


def _mark_required_bodies(operation: dict, components: dict) -> None:
    """A body with required fields is itself required (drf-spectacular cannot tell for a oneOf):
    an empty POST would be refused, so the schema says so."""
    body = operation.get("requestBody")
    if not body or "required" in body:
        return
    schemas = [media.get("schema", {}) for media in body.get("content", {}).values()]
    if schemas and all(_has_required_fields(schema, components) for schema in schemas):
        body["required"] = True


BINARY = {"type": "string", "format": "binary"}
OCTET_STREAM = "application/octet-stream"


def _describe_downloads_as_bytes(responses: dict) -> None:
    """A response whose every media type is a binary file (a PDF, an evidence photo or document) is
    also listed as application/octet-stream, the one binary type every client generator knows (they
    skip application/pdf or image/png, leaving a download without a function to call). The server
    still answers with the file's own type, which stays listed first."""
    for response in responses.values():
        content = response.get("content") if isinstance(response, dict) else None
        if (
            content
            and OCTET_STREAM not in content
            and all(m.get("schema") == BINARY for m in content.values())
        ):
            content[OCTET_STREAM] = {"schema": dict(BINARY)}


def _walk(node):
    """Every schema object inside `node` (properties, items, parts), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _strict_nullable_references(result: dict, components: dict) -> None:
    """drf-spectacular writes a nullable reference as {"allOf": [{"$ref": X}], "nullable": true}.
    OpenAPI 3.0.3 says `nullable` adds null only to the values of a schema's own `type`: strict
    validators then refuse null there (X has no null). Written as oneOf [X, NullEnum] instead, which
    every reading accepts, as drf-spectacular itself writes nullable choice fields."""
    rewritten = False
    for node in _walk(result):
        parts = node.get("allOf")
        if (
            node.get("nullable") is True
            and isinstance(parts, list)
            and len(parts) == 1
            and "$ref" in parts[0]
        ):
            del node["allOf"]
            node["oneOf"] = [parts[0], {"$ref": "#/components/schemas/NullEnum"}]
            rewritten = True
    if rewritten:
        components.setdefault("NullEnum", {"enum": [None]})


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    _strict_nullable_references(result, components)
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _mark_required_bodies(operation, components)
            responses = operation["responses"]
            _describe_downloads_as_bytes(responses)
            for code, (text, writes_only) in ERROR_STATUSES.items():
                if writes_only and method == "get" and code != "400":
                    continue
                responses.setdefault(
                    code, {"description": text, "content": {"application/json": {"schema": ref}}}
                )
    return result
