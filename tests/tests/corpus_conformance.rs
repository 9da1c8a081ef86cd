//! Every corpus profile reads, writes as XML and binary, and reads back equal — and the
//! values equal what Python's plistlib reads from the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_profile::{ReadOptions, SourceFormat, read_profile, read_value};
use enrollkit_testkit::{corpus_files, plistlib_tagged, tagged};

#[test]
fn corpus_round_trips_and_matches_plistlib() {
    let files = corpus_files();
    if files.is_empty() {
        println!("SKIP: ../shared not present");
        return;
    }
    let oracle = plistlib_tagged(&files).expect("plistlib oracle");
    let dir = std::env::temp_dir().join(format!("enrollkit-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut written = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = file.display().to_string();
        let bytes = std::fs::read(file).unwrap();
        let loaded =
            read_profile(&bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(loaded.format, SourceFormat::Xml, "{name}");

        // Our reading of the file equals plistlib's, types and key order included.
        let ours = tagged(&read_value(&bytes, &ReadOptions::default()).unwrap().value);
        assert_eq!(
            ours, oracle[&name],
            "{name}: enrollkit and plistlib disagree"
        );
        // The typed model is lossless: its dictionary is the same value, in the same order.
        assert_eq!(
            tagged(&loaded.profile.to_value()),
            oracle[&name],
            "{name}: model lost something"
        );

        let xml = loaded.profile.to_xml().unwrap();
        let bin = loaded.profile.to_binary().unwrap();
        for (kind, out) in [("xml", &xml), ("bin", &bin)] {
            let again = read_profile(out, &ReadOptions::default()).unwrap();
            assert_eq!(
                again.profile, loaded.profile,
                "{name}: {kind} read-back differs"
            );
            let path = dir.join(format!("{i}.{kind}"));
            std::fs::write(&path, out).unwrap();
            written.push((name.clone(), path));
        }
    }
    // What we wrote, read by plistlib, equals what plistlib read from the original.
    let paths: Vec<_> = written.iter().map(|(_, p)| p.clone()).collect();
    let rewritten = plistlib_tagged(&paths).expect("plistlib oracle on our output");
    for (name, path) in &written {
        assert_eq!(
            rewritten[&path.display().to_string()],
            oracle[name],
            "{name}: plistlib reads our {} differently",
            path.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("checked {} corpus profiles", files.len());
}

#[test]
fn written_xml_uses_apples_layout() {
    let files = corpus_files();
    let Some(file) = files.first() else {
        println!("SKIP: ../shared not present");
        return;
    };
    let loaded = read_profile(&std::fs::read(file).unwrap(), &ReadOptions::default()).unwrap();
    let xml = String::from_utf8(loaded.profile.to_xml().unwrap()).unwrap();
    let mut lines = xml.lines();
    assert_eq!(
        lines.next(),
        Some(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
    );
    assert_eq!(
        lines.next(),
        Some(
            r#"<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">"#
        )
    );
    assert_eq!(lines.next(), Some(r#"<plist version="1.0">"#));
    assert_eq!(lines.next(), Some("<dict>"));
    assert!(
        lines.next().unwrap().starts_with("\t<key>"),
        "one tab per level"
    );
    assert!(xml.ends_with("</plist>\n"));
}
