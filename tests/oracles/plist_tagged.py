#!/usr/bin/env python3
"""Reads property lists with Python's plistlib and prints them as type-tagged JSON.

The tagging keeps what JSON would lose: integers vs reals, data vs strings, dates, and the
order of dictionary keys. Usage: plist_tagged.py FILE... -> {"FILE": tagged, ...}
"""
import base64
import datetime
import json
import plistlib
import sys


def tag(value):
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"integer": str(value)}
    if isinstance(value, float):
        return {"real": value}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, (bytes, bytearray)):
        return {"data": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.datetime):
        return {"date": value.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if isinstance(value, plistlib.UID):
        return {"uid": value.data}
    if isinstance(value, list):
        return {"array": [tag(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[k, tag(v)] for k, v in value.items()]}
    raise TypeError(f"unexpected plist value {type(value)!r}")


def main(paths):
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            out[path] = tag(plistlib.load(f))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
