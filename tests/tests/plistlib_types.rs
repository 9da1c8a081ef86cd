//! Types the corpus lacks (dates, data, reals, big and negative integers, unicode, nesting),
//! written by plistlib as XML and binary, must read and write back exactly as plistlib sees them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use enrollkit_profile::{PayloadKind, ReadOptions, SourceFormat, read_profile, read_value};
use enrollkit_testkit::{plistlib_tagged, python, tagged};

#[test]
fn plistlib_written_types_survive_both_ways() {
    let dir = std::env::temp_dir().join(format!("enrollkit-rich-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracles/make_rich.py");
    let status = Command::new(python())
        .arg(script)
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());

    let inputs = [dir.join("rich.xml"), dir.join("rich.bin")];
    let oracle = plistlib_tagged(&inputs).unwrap();
    let mut outputs = Vec::new();
    for (input, format) in inputs.iter().zip([SourceFormat::Xml, SourceFormat::Binary]) {
        let key = input.display().to_string();
        let bytes = std::fs::read(input).unwrap();
        let value = read_value(&bytes, &ReadOptions::default()).unwrap();
        assert_eq!(value.format, format);
        assert_eq!(tagged(&value.value), oracle[&key], "{key}");

        let loaded = read_profile(&bytes, &ReadOptions::default()).unwrap();
        // Known keys with unexpected types stay raw rather than being coerced or dropped.
        let PayloadKind::Mdm(mdm) = &loaded.profile.payloads()[0].kind else {
            panic!("typed MDM payload")
        };
        assert_eq!(mdm.access_rights, None);
        assert_eq!(mdm.topic, None);
        assert!(mdm.extra.contains_key("AccessRights") && mdm.extra.contains_key("Topic"));
        assert_eq!(mdm.server_url.as_deref(), Some("https://mdm.example.com"));
        assert_eq!(
            tagged(&loaded.profile.to_value()),
            oracle[&key],
            "{key}: model"
        );

        for (ext, out) in [
            ("xml", loaded.profile.to_xml().unwrap()),
            ("bin", loaded.profile.to_binary().unwrap()),
        ] {
            let path = dir.join(format!("out-{}.{ext}", outputs.len()));
            std::fs::write(&path, out).unwrap();
            outputs.push((key.clone(), path));
        }
    }
    let paths: Vec<_> = outputs.iter().map(|(_, p)| p.clone()).collect();
    let rewritten = plistlib_tagged(&paths).unwrap();
    for (key, path) in outputs {
        assert_eq!(
            rewritten[&path.display().to_string()],
            oracle[&key],
            "{}",
            path.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
