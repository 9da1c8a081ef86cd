#!/usr/bin/env python3
"""Writes a property list rich in types with plistlib, as XML and binary, key order kept.

Usage: make_rich.py OUT_DIR -> OUT_DIR/rich.xml, OUT_DIR/rich.bin
"""
import datetime
import os
import plistlib
import sys

value = {
    "PayloadType": "Configuration",
    "PayloadVersion": 1,
    "zeta": "keys are not sorted",
    "alpha": True,
    "Date": datetime.datetime(2031, 5, 17, 8, 30, 5),
    "Data": bytes(range(256)),
    "Real": 0.1,
    "WholeReal": 3.0,
    "Negative": -42,
    "Big": 2**63 + 5,
    "Unicode": "Grüße — 東京 🚀 <&>",
    "Empty": "",
    "Nested": [{"a": [1, 2.5, False, b""], "b": {}}, []],
    "PayloadContent": [
        {"PayloadType": "com.apple.mdm", "AccessRights": "8191", "Topic": 7,
         "ServerURL": "https://mdm.example.com", "Vendor": {"x": 1}},
    ],
}

out = sys.argv[1]
with open(os.path.join(out, "rich.xml"), "wb") as f:
    plistlib.dump(value, f, fmt=plistlib.FMT_XML, sort_keys=False)
with open(os.path.join(out, "rich.bin"), "wb") as f:
    plistlib.dump(value, f, fmt=plistlib.FMT_BINARY, sort_keys=False)
