#!/usr/bin/env python3
"""Generate crates/enrollkit-lint/src/schema_data.rs from Apple's device-management YAML.

Usage:
    python3 tools/gen_schema.py [--schema-dir DIR] [--out FILE]

DIR defaults to ../shared/apple-device-management/mdm/profiles relative to the workspace root;
FILE defaults to src/schema_data.rs next to this script's crate. The output is deterministic:
files are read in sorted order, key sets are numbered in first-visit order, and keys inside a
key set are sorted by name so the lint engine can binary-search them. No description text is
emitted, only structured facts.

Cycle safety: some files alias a `subkeys` list from inside itself (YAML anchors). Every
`subkeys` list becomes one key set, memoised by object identity, so an alias back to an
ancestor is just a reference to an already-numbered key set instead of infinite recursion.
"""

import argparse
import hashlib
import os
import re
import sys

import yaml

CRATE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SCHEMA = os.path.join(
    CRATE_DIR, "..", "..", "..", "shared", "apple-device-management", "mdm", "profiles"
)
DEFAULT_OUT = os.path.join(CRATE_DIR, "src", "schema_data.rs")

PLATFORMS = [
    ("iOS", "Os::Ios"),
    ("macOS", "Os::MacOs"),
    ("tvOS", "Os::TvOs"),
    ("visionOS", "Os::VisionOs"),
    ("watchOS", "Os::WatchOs"),
]

TYPES = {
    "<string>": "T::String",
    "<integer>": "T::Integer",
    "<real>": "T::Real",
    "<boolean>": "T::Boolean",
    "<date>": "T::Date",
    "<data>": "T::Data",
    "<array>": "T::Array",
    "<dictionary>": "T::Dictionary",
    "<any>": "T::Any",
}

UE_MODES = {
    "allowed": "U::Allowed",
    "required": "U::Required",
    "forbidden": "U::Forbidden",
    "ignored": "U::Ignored",
}

VERSION_RE = re.compile(r"^\d+(\.\d+){0,2}$")


class GenError(Exception):
    pass


def rust_str(s):
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def version(v, where):
    s = str(v)
    if not VERSION_RE.match(s):
        raise GenError(f"{where}: not a version: {v!r}")
    parts = [int(p) for p in s.split(".")] + [0, 0]
    return "V::new(%d, %d, %d)" % tuple(parts[:3])


def introduced(v, where):
    s = str(v)
    if s == "n/a":
        return "Some(I::NotAvailable)"
    if s == "all":
        return "Some(I::All)"
    return "Some(I::In(%s))" % version(s, where)


def boolean(v, where):
    if not isinstance(v, bool):
        raise GenError(f"{where}: expected a boolean, got {v!r}")
    return "Some(true)" if v else "Some(false)"


SUPPORT_IDS = {}
SUPPORTS = []


def os_support(spec, where):
    """One OS's facts as a named `OsSupport` constant; absent fields stay None (inherit)."""
    literal_text = os_support_literal(spec, where)
    if literal_text not in SUPPORT_IDS:
        SUPPORT_IDS[literal_text] = len(SUPPORTS)
        SUPPORTS.append(literal_text)
    return "S%d" % SUPPORT_IDS[literal_text]


def os_support_literal(spec, where):
    spec = spec or {}
    fields = []
    if "introduced" in spec:
        fields.append("introduced: " + introduced(spec["introduced"], where))
    if "deprecated" in spec:
        fields.append("deprecated: Some(%s)" % version(spec["deprecated"], where))
    if "removed" in spec:
        fields.append("removed: Some(%s)" % version(spec["removed"], where))
    for yaml_name, rust_name in (
        ("multiple", "multiple"),
        ("supervised", "supervised"),
        ("allowmanualinstall", "allow_manual_install"),
        ("requiresdep", "requires_dep"),
        ("userapprovedmdm", "user_approved_mdm"),
    ):
        if yaml_name in spec:
            fields.append("%s: %s" % (rust_name, boolean(spec[yaml_name], where)))
    ue = spec.get("userenrollment")
    if isinstance(ue, dict) and "mode" in ue:
        mode = UE_MODES.get(ue["mode"])
        if mode is None:
            raise GenError(f"{where}: unknown userenrollment mode {ue['mode']!r}")
        fields.append("user_enrollment: Some(%s)" % mode)
    if not fields:
        return "O::INHERIT"
    return "O { %s, ..O::INHERIT }" % ", ".join(fields)


def support_slice(supported, where):
    if not supported:
        return "&[]"
    items = []
    for yaml_name, rust_name in PLATFORMS:
        if yaml_name in supported:
            items.append("(%s, %s)" % (rust_name, os_support(supported[yaml_name], f"{where}.{yaml_name}")))
    unknown = set(supported) - {p for p, _ in PLATFORMS}
    if unknown:
        raise GenError(f"{where}: unknown platforms {sorted(unknown)}")
    return "&[%s]" % ", ".join(items)


def literal(v, where):
    if isinstance(v, bool):
        raise GenError(f"{where}: boolean in rangelist")
    if isinstance(v, int):
        return "L::Int(%d)" % v
    if isinstance(v, float):
        return "L::Real(%r)" % v
    if isinstance(v, str):
        return "L::Str(%s)" % rust_str(v)
    raise GenError(f"{where}: unsupported rangelist value {v!r}")


def number(v, where):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise GenError(f"{where}: range bound is not a number: {v!r}")
    return "Some(%r)" % float(v)


class Generator:
    def __init__(self):
        self.keys = []  # rendered KeySpec literals
        self.key_sets = []  # lists of key indices
        self.key_set_ids = {}  # id(subkeys list) -> (key set index, the list itself)
        self.formats = []
        self.format_ids = {}
        self.payloads = []

    def format_id(self, fmt):
        if fmt not in self.format_ids:
            self.format_ids[fmt] = len(self.formats)
            self.formats.append(fmt)
        return self.format_ids[fmt]

    def key_set(self, subkeys, where):
        """Number a `subkeys` list; memoised by identity, so aliases (and cycles) are shared."""
        ident = id(subkeys)
        if ident in self.key_set_ids:
            return self.key_set_ids[ident][0]
        index = len(self.key_sets)
        # Keep the list alive: once freed, CPython may reuse its id() for another list.
        self.key_set_ids[ident] = (index, subkeys)
        self.key_sets.append(None)  # reserved before recursing: a cyclic alias finds it here
        members = []
        for item in subkeys:
            if not isinstance(item, dict) or "key" not in item:
                raise GenError(f"{where}: key object without 'key'")
            members.append((str(item["key"]), self.key(item, f"{where}/{item['key']}")))
        members.sort(key=lambda m: m[0])
        self.key_sets[index] = [k for _, k in members]
        return index

    def key(self, item, where):
        ty = TYPES.get(item.get("type"))
        if ty is None:
            raise GenError(f"{where}: unknown type {item.get('type')!r}")
        presence = {
            "required": "P::Required",
            "optional": "P::Optional",
            None: "P::Unstated",
        }.get(item.get("presence"))
        if presence is None:
            raise GenError(f"{where}: unknown presence {item.get('presence')!r}")
        # Reserve this key's slot before recursing so indices follow first-visit order.
        index = len(self.keys)
        self.keys.append(None)
        fields = ["name: %s" % rust_str(str(item["key"])), "ty: " + ty, "presence: " + presence]
        if item.get("rangelist"):
            fields.append(
                "allowed: &[%s]" % ", ".join(literal(v, where) for v in item["rangelist"])
            )
        rng = item.get("range")
        if isinstance(rng, dict):
            if "min" in rng:
                fields.append("min: " + number(rng["min"], where))
            if "max" in rng:
                fields.append("max: " + number(rng["max"], where))
        if "format" in item:
            fields.append("format: Some(%d)" % self.format_id(str(item["format"])))
        rep = item.get("repetition")
        if isinstance(rep, dict):
            fields.append(
                "repetition: Some((%d, %d))" % (int(rep.get("min", 0)), int(rep.get("max", 65535)))
            )
        if item.get("supportedOS"):
            fields.append("support: " + support_slice(item["supportedOS"], where))
        if item.get("subkeys"):
            fields.append("children: Some(%d)" % self.key_set(item["subkeys"], where))
        self.keys[index] = "K { %s, ..K::EMPTY }" % ", ".join(fields)
        return index

    def payload(self, file_name, doc):
        payload = doc.get("payload") or {}
        ptype = payload.get("payloadtype")
        if not isinstance(ptype, str):
            raise GenError(f"{file_name}: no payload.payloadtype")
        keys = self.key_set(doc.get("payloadkeys") or [], file_name)
        support = support_slice(payload.get("supportedOS"), file_name)
        self.payloads.append((ptype, file_name, support, keys))


def load(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    return raw, yaml.safe_load(raw)


def generate(schema_dir):
    names = sorted(n for n in os.listdir(schema_dir) if n.endswith(".yaml"))
    if not names:
        raise GenError(f"{schema_dir}: no .yaml files")
    digest = hashlib.sha256()
    SUPPORT_IDS.clear()
    SUPPORTS.clear()
    gen = Generator()
    for name in names:
        raw, doc = load(os.path.join(schema_dir, name))
        digest.update(name.encode() + b"\0" + raw + b"\0")
        gen.payload(name, doc)
    gen.payloads.sort(key=lambda p: (p[0], p[1]))

    out = []
    w = out.append
    w("// @generated by crates/enrollkit-lint/tools/gen_schema.py -- do not edit by hand.")
    w("// Source: apple/device-management mdm/profiles (%d files)," % len(names))
    w("// input sha256 %s." % digest.hexdigest())
    w("// Regenerate: python3 crates/enrollkit-lint/tools/gen_schema.py")
    w("")
    w("use enrollkit_diagnostic::Platform as Os;")
    w("use crate::schema::{")
    w("    Introduced as I, KeySpec as K, Lit as L, OsSupport as O, PayloadSchema, Presence as P, UeMode as U,")
    w("    ValueType as T,")
    w("};")
    w("use enrollkit_diagnostic::OsVersion as V;")
    w("")
    w("// Distinct per-OS support records, shared by payloads and keys.")
    for i, text in enumerate(SUPPORTS):
        w("const S%d: O = %s;" % (i, text))
    w("")
    w("/// SHA-256 over the schema files this table was generated from (name, NUL, bytes, NUL).")
    w('pub const SCHEMA_INPUT_SHA256: &str = "%s";' % digest.hexdigest())
    w("")
    w("/// Distinct `format` regular expressions, referenced by index from [`KEYS`].")
    w("pub static FORMATS: &[&str] = &[")
    for fmt in gen.formats:
        w("    %s," % rust_str(fmt))
    w("];")
    w("")
    w("/// Every payload schema, sorted by payload type, then source file.")
    w("pub static PAYLOADS: &[PayloadSchema] = &[")
    for ptype, file_name, support, keys in gen.payloads:
        w(
            "    PayloadSchema { payload_type: %s, source: %s, support: %s, keys: %d },"
            % (rust_str(ptype), rust_str(file_name), support, keys)
        )
    w("];")
    w("")
    w("/// Key sets (one per `subkeys` list), each a list of indices into [`KEYS`] sorted by key name.")
    w("pub static KEY_SETS: &[&[u16]] = &[")
    for members in gen.key_sets:
        w("    &[%s]," % ", ".join(str(m) for m in members))
    w("];")
    w("")
    w("/// Every key object of every schema file.")
    w("pub static KEYS: &[K] = &[")
    for key in gen.keys:
        w("    %s," % key)
    w("];")
    if len(gen.keys) > 65535 or len(gen.key_sets) > 65535:
        raise GenError("too many keys for u16 indices")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema-dir", default=DEFAULT_SCHEMA)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    try:
        text = generate(args.schema_dir)
    except (GenError, OSError, yaml.YAMLError) as err:
        print(f"gen_schema: {err}", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
