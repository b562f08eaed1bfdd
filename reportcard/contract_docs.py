"""The data contract as a council reads it, generated from the schemas so it cannot drift."""

from __future__ import annotations

from .contract import REQUIRED, Package

CONSTRAINT_WORDS = {
    "required": lambda v: "required" if v else None,
    "unique": lambda v: "unique" if v else None,
    "enum": lambda v: "one of: " + ", ".join(map(str, v)),
    "pattern": lambda v: f"matches {v}",
    "minimum": lambda v: f"at least {v}",
    "maximum": lambda v: f"at most {v}",
    "minLength": lambda v: f"at least {v} characters",
    "maxLength": lambda v: f"at most {v} characters",
}


def describe_package(package: Package) -> dict:
    """Packages -> resources -> fields, with constraints and keys in words."""
    resources = []
    for resource in package.descriptor.get("resources", []):
        schema = resource.get("schema")
        fields = []
        for field in (schema or {}).get("fields", []):
            rules = [CONSTRAINT_WORDS[k](v) for k, v in field.get("constraints", {}).items() if k in CONSTRAINT_WORDS]
            fields.append({
                "name": field["name"], "title": field.get("title", ""), "type": field.get("type", "string"),
                "description": field.get("description", ""), "rules": [r for r in rules if r],
                "relied_on": field["name"] in REQUIRED.get(package.name, {}).get(resource["name"], ()),
            })
        keys = []
        for fk in (schema or {}).get("foreignKeys", []):
            fields_ = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            keys.append(f"{', '.join(fields_)} must be a {', '.join(ref_fields)} in {ref['resource'] or resource['name']}")
        resources.append({
            "name": resource["name"], "title": resource.get("title", resource["name"]), "path": resource.get("path", ""),
            "description": resource.get("description", ""), "fields": fields, "foreign_keys": keys,
            "primary_key": (schema or {}).get("primaryKey", []),
        })
    licences = [lic.get("title") or lic.get("name") for lic in package.descriptor.get("licenses", [])]
    return {"name": package.name, "title": package.descriptor.get("title", package.name),
            "description": package.descriptor.get("description", ""), "licences": licences,
            "version": package.descriptor.get("version", ""), "resources": resources}
