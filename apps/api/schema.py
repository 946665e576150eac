"""Schema post-processing: every operation documents the JSON error shape for each error status."""

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


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _mark_required_bodies(operation, components)
            responses = operation["responses"]
            for code, (text, writes_only) in ERROR_STATUSES.items():
                if writes_only and method == "get" and code != "400":
                    continue
                responses.setdefault(
                    code, {"description": text, "content": {"application/json": {"schema": ref}}}
                )
    return result
