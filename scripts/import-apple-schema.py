#!/usr/bin/env python3
"""Imports Apple's device-management schema files into schema/apple-device-management.

Usage: scripts/import-apple-schema.py SOURCE_DIR [PROVENANCE.tsv]

SOURCE_DIR holds files laid out as in the apple/device-management repository (mdm/profiles,
mdm/checkin, mdm/commands, mdm/errors, other/machineinfo.yaml). Only facts are kept: key names,
types, presence, ranges, formats, OS availability. The prose (`content`, `description`,
`examples`, `notes`) is dropped, so no description text is copied. YAML anchors (including the
self-referencing ones) survive as anchors. PROVENANCE.tsv (path, commit, chars) is copied
beside the files; the generators read only this folder.
"""

import os
import shutil
import sys

import yaml

DROP = {"content", "description", "examples", "notes"}
FOLDERS = ["mdm/profiles", "mdm/checkin", "mdm/commands", "mdm/errors", "other"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEST = os.path.join(ROOT, "schema", "apple-device-management")


def strip(node, seen):
    """Drops the prose keys in place; shared (aliased) nodes are visited once."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, dict):
        for key in [k for k in node if k in DROP]:
            del node[key]
        for value in node.values():
            strip(value, seen)
    elif isinstance(node, list):
        for value in node:
            strip(value, seen)


def main():
    source = sys.argv[1]
    count = 0
    for folder in FOLDERS:
        src = os.path.join(source, folder)
        if not os.path.isdir(src):
            continue
        dst = os.path.join(DEST, folder)
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        os.makedirs(dst)
        for name in sorted(os.listdir(src)):
            if not name.endswith(".yaml"):
                continue
            with open(os.path.join(src, name), encoding="utf-8") as f:
                doc = yaml.safe_load(f)
            strip(doc, set())
            with open(os.path.join(dst, name), "w", encoding="utf-8", newline="\n") as f:
                yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=100)
            count += 1
    if len(sys.argv) > 2:
        shutil.copy(sys.argv[2], os.path.join(DEST, "PROVENANCE.tsv"))
    print(f"imported {count} files into {os.path.relpath(DEST, ROOT)}")


if __name__ == "__main__":
    main()
