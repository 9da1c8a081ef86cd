#!/usr/bin/env python3
"""Generate src/checkin/schema.rs and tests/fixtures/checkin/*.plist from Apple's schema.

Usage: python3 tools/gen_checkin.py [--schema-dir DIR]

DIR defaults to schema/apple-device-management at the workspace root (facts only, see its
README). From it come:

- one struct per check-in message (mdm/checkin/*.yaml), dispatched on MessageType;
- the request keys of the InstallProfile, RemoveProfile and ProfileList commands and the
  ProfileList result item (mdm/commands);
- the error bodies a server answers with (mdm/errors);
- MachineInfo (other/machineinfo.yaml), the device attributes of ADE and OTA enrollment.

Field types follow the schema's `type`. A key is required only where the schema says so AND
it exists on every platform the message supports (a "required" key that is `n/a` on iOS is
required on macOS only). The identity keys (UDID, EnrollmentID, EnrollmentUserID, UserID,
user names) are optional here: which of them must be present depends on the channel and the
enrollment, and src/checkin/mod.rs checks that. Keys the schema does not name are kept.

Fixtures: one plist per check-in message with every key filled with a value of its type,
plus an unknown key, for the round-trip test. Output is deterministic.
"""

import argparse
import os
import plistlib
import re
import sys

import yaml

CRATE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(CRATE))
DEFAULT_SCHEMA = os.path.join(ROOT, "schema", "apple-device-management")

IDENTITY_KEYS = {"UDID", "EnrollmentID", "EnrollmentUserID", "UserID", "UserShortName",
                 "UserLongName"}
TYPES = {
    "<string>": ("String", "string"),
    "<boolean>": ("bool", "bool"),
    "<integer>": ("i64", "integer"),
    "<data>": ("Vec<u8>", "data"),
    "<date>": ("plist::Date", "date"),
    "<dictionary>": ("Dictionary", "dictionary"),
    "<array>": ("Vec<Value>", "array"),
}
# Keys the schema marks required that a real message leaves out: the first UserAuthenticate
# of the digest handshake carries no DigestResponse (the schema's own text says so).
OPTIONAL_ANYWAY = {("UserAuthenticate", "DigestResponse")}
RUST_KEYWORDS = {"type", "match", "ref", "mod", "use", "move", "loop", "box"}


def snake(name):
    s = re.sub(r"[^A-Za-z0-9]+", "_", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = s.strip("_").lower()
    return s + "_" if s in RUST_KEYWORDS else s


def camel(name):
    parts = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def sent_by_every_device(key):
    """False when some device that sends the message may leave the key out: the key is n/a on
    an OS, forbidden under User Enrollment, or introduced later than the message itself."""
    for spec in (key.get("supportedOS") or {}).values():
        if not isinstance(spec, dict):
            continue
        if "introduced" in spec:
            return False
        if (spec.get("userenrollment") or {}).get("mode") == "forbidden":
            return False
    return True


class Gen:
    def __init__(self):
        self.out = []
        self.structs = set()

    def w(self, line=""):
        self.out.append(line)

    def struct(self, name, keys, doc, skip=("MessageType",)):
        """A struct for a list of schema keys; nested dictionaries with subkeys get their own."""
        nested = []
        fields = []
        for k in keys or []:
            key = str(k["key"])
            if key in skip:
                continue
            ty, kind = TYPES.get(k.get("type"), ("Value", "any"))
            sub = k.get("subkeys")
            if kind == "dictionary" and sub and not any(str(s.get("key")) == "ANY" for s in sub):
                child = name + camel(key)
                nested.append((child, sub, f"`{key}` of [`{name}`]."))
                ty, kind = child, "struct"
            required = (k.get("presence") == "required" and sent_by_every_device(k)
                        and key not in IDENTITY_KEYS and (name, key) not in OPTIONAL_ANYWAY)
            fields.append((key, snake(key), ty, kind, required, k.get("rangelist")))
        self.w(f"/// {doc}")
        self.w("#[derive(Debug, Clone, PartialEq, Default)]")
        self.w(f"pub struct {name} {{")
        for key, field, ty, kind, required, _ in fields:
            self.w(f"    /// `{key}`{'' if required else ' (optional)'}.")
            self.w(f"    pub {field}: {ty if required else 'Option<' + ty + '>'},")
        self.w("    /// Keys the schema does not name, in input order.")
        self.w("    pub extra: Dictionary,")
        self.w("}")
        self.w()
        self.w(f"impl {name} {{")
        self.w("    /// Reads the keys this type knows; the rest stay in `extra`.")
        self.w("    pub fn from_dictionary(dict: Dictionary) -> Result<Self, FieldError> {")
        self.w(f"        let mut f = Fields::new(dict, {name!r:s});".replace("'", '"'))
        self.w("        Ok(Self {")
        for key, field, ty, kind, required, _ in fields:
            getter = ("req_" if required else "opt_") + kind
            if kind == "struct":
                getter = ("req_" if required else "opt_") + "nested"
            self.w(f"            {field}: f.{getter}({key!r})?,".replace("'", '"'))
        self.w("            extra: f.rest(),")
        self.w("        })")
        self.w("    }")
        self.w()
        self.w("    /// The keys as a plist dictionary, known keys first, then `extra`.")
        self.w("    pub fn to_dictionary(&self) -> Dictionary {")
        self.w("        let mut d = Dictionary::new();")
        for key, field, ty, kind, required, _ in fields:
            k = key.replace('"', '\\"')
            if required:
                self.w(f'        put(&mut d, "{k}", &self.{field});')
            else:
                self.w(f'        put_opt(&mut d, "{k}", &self.{field});')
        self.w("        for (k, v) in &self.extra {")
        self.w("            d.insert(k.clone(), v.clone());")
        self.w("        }")
        self.w("        d")
        self.w("    }")
        self.w("}")
        self.w()
        self.w(f"impl Record for {name} {{")
        self.w(f"    const NAME: &'static str = \"{name}\";")
        self.w("    fn read(dict: Dictionary) -> Result<Self, FieldError> {")
        self.w("        Self::from_dictionary(dict)")
        self.w("    }")
        self.w("    fn write(&self) -> Dictionary {")
        self.w("        self.to_dictionary()")
        self.w("    }")
        self.w("}")
        self.w()
        present = {f[0] for f in fields}
        if any(k in present for k in ("UDID", "EnrollmentID")):
            self.w(f"impl {name} {{")
            self.w("    /// The keys that name the device and the user of the channel.")
            self.w("    pub fn identity(&self) -> IdentityKeys<'_> {")
            self.w("        IdentityKeys {")
            for key, fld in [("UDID", "udid"), ("EnrollmentID", "enrollment_id"),
                             ("EnrollmentUserID", "enrollment_user_id"), ("UserID", "user_id"),
                             ("UserShortName", "user_short_name"), ("UserLongName", "user_long_name")]:
                if key in present:
                    self.w(f"            {fld}: self.{fld}.as_deref(),")
                else:
                    self.w(f"            {fld}: None,")
            self.w("        }")
            self.w("    }")
            self.w("}")
            self.w()
        for child, sub, d in nested:
            self.struct(child, sub, d, skip=())
        return fields


def sample(k, depth=0):
    key = str(k["key"])
    t = k.get("type")
    if k.get("rangelist"):
        return k["rangelist"][0]
    if t == "<string>":
        return f"example-{key}"
    if t == "<boolean>":
        return True
    if t == "<integer>":
        return 7
    if t == "<data>":
        return key.encode()
    if t == "<dictionary>":
        sub = k.get("subkeys") or []
        if sub and depth < 3 and not any(str(s.get("key")) == "ANY" for s in sub):
            return {str(s["key"]): sample(s, depth + 1) for s in sub}
        return {"Nested": "value"}
    if t == "<array>":
        return ["item"]
    return "value"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema-dir", default=DEFAULT_SCHEMA)
    args = ap.parse_args()
    base = args.schema_dir
    g = Gen()
    g.w("// @generated by crates/enrollkit-protocol/tools/gen_checkin.py -- do not edit by hand.")
    g.w("// Source: schema/apple-device-management (mdm/checkin, mdm/commands, mdm/errors,")
    g.w("// other/machineinfo.yaml). Regenerate: python3 crates/enrollkit-protocol/tools/gen_checkin.py")
    g.w()
    g.w("use plist::{Dictionary, Value};")
    g.w()
    g.w("use super::fields::{FieldError, Fields, IdentityKeys, Record, put, put_opt};")
    g.w()
    messages = []
    checkin = os.path.join(base, "mdm", "checkin")
    fixtures = os.path.join(CRATE, "tests", "fixtures", "checkin")
    os.makedirs(fixtures, exist_ok=True)
    for name in sorted(os.listdir(checkin)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(checkin, name)) as f:
            doc = yaml.safe_load(f)
        mtype = doc["payload"]["requesttype"]
        struct = camel(mtype)
        keys = list(doc.get("payloadkeys") or [])
        if not any(str(k["key"]) in ("UDID", "EnrollmentID") for k in keys):
            # The schema leaves out the device keys every check-in carries (the bootstrap-token
            # messages); add them so the device can be named.
            keys += [{"key": "UDID", "type": "<string>", "presence": "optional"},
                     {"key": "EnrollmentID", "type": "<string>", "presence": "optional"}]
        doc["payloadkeys"] = keys
        g.struct(struct, doc.get("payloadkeys"), f"The `{mtype}` check-in message (mdm/checkin/{name}).")
        if doc.get("responsekeys"):
            g.struct(struct + "Response", doc["responsekeys"],
                     f"The server's answer to `{mtype}` (mdm/checkin/{name}, response keys).", skip=())
        messages.append((mtype, struct, name))
        fixture = {"MessageType": mtype}
        for k in doc.get("payloadkeys") or []:
            if str(k["key"]) != "MessageType":
                fixture[str(k["key"])] = sample(k)
        # A real message names its device one way: UDID (device enrollment) unless the
        # message is User Enrollment only; the user-channel keys of the matching kind.
        if "UDID" in fixture and "EnrollmentID" in fixture:
            del fixture["EnrollmentID"]
            fixture.pop("EnrollmentUserID", None)
        fixture["NotInTheSchema"] = "kept"
        with open(os.path.join(fixtures, name.replace(".yaml", ".plist")), "wb") as f:
            plistlib.dump(fixture, f, sort_keys=False)
    for name, struct in [("profile.install.yaml", "InstallProfileCommand"),
                         ("profile.remove.yaml", "RemoveProfileCommand"),
                         ("profile.list.yaml", "ProfileListCommand")]:
        with open(os.path.join(base, "mdm", "commands", name)) as f:
            doc = yaml.safe_load(f)
        g.struct(struct, doc.get("payloadkeys"),
                 f"The request keys of `{doc['payload']['requesttype']}` (mdm/commands/{name}).", skip=())
        if doc.get("responsekeys"):
            lst = doc["responsekeys"][0]
            item = lst["subkeys"][0]
            g.struct("ProfileListItem", item["subkeys"],
                     f"One entry of a `ProfileList` result (mdm/commands/{name}).", skip=())
    errors = []
    for name in sorted(os.listdir(os.path.join(base, "mdm", "errors"))):
        with open(os.path.join(base, "mdm", "errors", name)) as f:
            doc = yaml.safe_load(f)
        struct = camel(name.replace(".yaml", "")) + "Error"
        g.struct(struct, doc.get("payloadkeys"), f"The error body `mdm/errors/{name}`.", skip=())
        code = next(str(k["rangelist"][0]) for k in doc["payloadkeys"] if k["key"] == "code")
        errors.append((struct, code))
    with open(os.path.join(base, "other", "machineinfo.yaml")) as f:
        doc = yaml.safe_load(f)
    g.struct("MachineInfo", doc.get("payloadkeys"),
             "The device attributes a device signs for ADE and OTA enrollment (other/machineinfo.yaml).",
             skip=())
    g.w("/// Every check-in `MessageType` in the schema, with the file it comes from.")
    g.w("pub const MESSAGE_TYPES: &[(&str, &str)] = &[")
    for mtype, struct, name in messages:
        g.w(f'    ("{mtype}", "{name}"),')
    g.w("];")
    g.w()
    g.w("/// A check-in message, by `MessageType`.")
    g.w("#[derive(Debug, Clone, PartialEq)]")
    g.w("#[allow(clippy::large_enum_variant, reason = \"one message per request\")]")
    g.w("pub enum Message {")
    for mtype, struct, name in messages:
        g.w(f"    /// `{mtype}`.")
        g.w(f"    {struct}({struct}),")
    g.w("}")
    g.w()
    g.w("impl Message {")
    g.w("    /// Reads the message named by `message_type` from the rest of the dictionary.")
    g.w("    pub(crate) fn from_parts(message_type: &str, dict: Dictionary) -> Option<Result<Self, FieldError>> {")
    g.w("        Some(match message_type {")
    for mtype, struct, name in messages:
        g.w(f'            "{mtype}" => {struct}::from_dictionary(dict).map(Message::{struct}),')
    g.w("            _ => return None,")
    g.w("        })")
    g.w("    }")
    g.w()
    g.w("    /// The `MessageType`.")
    g.w("    pub fn message_type(&self) -> &'static str {")
    g.w("        match self {")
    for mtype, struct, name in messages:
        g.w(f'            Message::{struct}(_) => "{mtype}",')
    g.w("        }")
    g.w("    }")
    g.w()
    g.w("    /// The keys that name the device and the user of the channel.")
    g.w("    pub fn identity(&self) -> IdentityKeys<'_> {")
    g.w("        match self {")
    for mtype, struct, name in messages:
        g.w(f"            Message::{struct}(m) => m.identity(),")
    g.w("        }")
    g.w("    }")
    g.w()
    g.w("    /// The message as a plist dictionary, `MessageType` first.")
    g.w("    pub fn to_dictionary(&self) -> Dictionary {")
    g.w("        let body = match self {")
    for mtype, struct, name in messages:
        g.w(f"            Message::{struct}(m) => m.to_dictionary(),")
    g.w("        };")
    g.w("        let mut d = Dictionary::new();")
    g.w('        d.insert("MessageType".into(), self.message_type().into());')
    g.w("        for (k, v) in body {")
    g.w("            d.insert(k, v);")
    g.w("        }")
    g.w("        d")
    g.w("    }")
    g.w("}")
    g.w()
    g.w("/// The `code` of every error body in the schema, with its type.")
    g.w("pub const ERROR_CODES: &[(&str, &str)] = &[")
    for struct, code in errors:
        g.w(f'    ("{code}", "{struct}"),')
    g.w("];")
    text = "\n".join(g.out) + "\n"
    with open(os.path.join(CRATE, "src", "checkin", "schema.rs"), "w", newline="\n") as f:
        f.write(text)
    print(f"wrote src/checkin/schema.rs ({len(messages)} check-in messages) and {len(messages)} fixtures")


if __name__ == "__main__":
    sys.exit(main())
