"""Custom document properties (``docProps/custom.xml``): how our files carry their kind and settings.

Excel, WPS and LibreOffice keep custom properties through a save (File → Properties → Custom),
so a tag written here survives the staff's own saves.
"""

from __future__ import annotations

import re

from .package import XML_HEAD, Package, Unsupported, parse, xml_attr

PART = "docProps/custom.xml"
NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
#: The format id every custom property uses (ECMA-376 part 1, 22.3.2.2).
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _part(pkg: Package) -> str | None:
    for r in pkg.relationships(""):
        if r.get("Type", "") == REL_TYPE:
            return r.get("Target", "").lstrip("/")
    return PART if pkg.exists(PART) else None


def read_properties(pkg: Package) -> dict[str, str]:
    """Name -> text of every custom property (any value type, as text)."""
    part = _part(pkg)
    if part is None or not pkg.exists(part):
        return {}
    root = parse(pkg.read(part), part)
    out = {}
    for p in root.iter(f"{{{NS}}}property"):
        value = next(iter(p), None)
        out[p.get("name", "")] = "" if value is None else (value.text or "")
    return out


def set_properties(pkg: Package, values: dict[str, str]) -> None:
    """Set text properties (created or replaced), keeping every other property as written."""
    part = _part(pkg)
    if part is not None and pkg.exists(part):
        text = pkg.text(part)
        parse(text.encode("utf-8"), part)
    else:
        part = PART
        text = f'{XML_HEAD}<Properties xmlns="{NS}" xmlns:vt="{VT}"></Properties>'
        pkg.add_relationship("", REL_TYPE, part)
        pkg.add_override(part, CT)
    vt = re.search(rf'xmlns:(\w+)\s*=\s*"{re.escape(VT)}"', text)
    prefix = vt[1] if vt else "vt"
    if vt is None:
        text = re.sub(r"<Properties\b", f'<Properties xmlns:vt="{VT}"', text, count=1)
    pids = [int(p) for p in re.findall(r'\bpid\s*=\s*"(\d+)"', text)]
    for name, value in values.items():
        element = f"<{prefix}:lpwstr>{xml_attr(value)}</{prefix}:lpwstr>"
        existing = re.search(
            rf'<property\b[^>]*\bname\s*=\s*"{re.escape(xml_attr(name))}"[^>]*>(.*?)</property>', text, re.S
        )
        if existing:
            text = text[: existing.start(1)] + element + text[existing.end(1) :]
            continue
        pid = max([1, *pids]) + 1
        pids.append(pid)
        item = f'<property fmtid="{FMTID}" pid="{pid}" name="{xml_attr(name)}">{element}</property>'
        if re.search(r"<Properties\b[^>]*/>", text):
            text = re.sub(r"<Properties\b([^>]*)/>", lambda m: f"<Properties{m[1]}>{item}</Properties>", text, count=1)  # noqa: B023
        else:
            end = text.rfind("</Properties>")
            if end < 0:
                raise Unsupported(f"{part}: no </Properties>")
            text = text[:end] + item + text[end:]
    pkg.new[part] = text.encode("utf-8")
