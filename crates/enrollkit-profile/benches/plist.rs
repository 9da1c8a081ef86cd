//! Property-list parse and serialize throughput, in bytes of input (parse) or output
//! (serialize) per second:
//! - `parse_xml/corpus`: every profile in ../shared/corpus with `read_value`;
//! - `parse_xml/large`, `parse_binary/large`: one large profile (about 1 MB of XML);
//! - `read_profile/large`: the same, into the typed `Profile` model;
//! - `write_xml/large`, `write_binary/large`: `xml_bytes` / `binary_bytes` of the parsed value.
//!
//! The large profile comes from `$ENROLLKIT_PLIST_BENCH_INPUTS/large.xml` when that is set
//! (benches/plist_compare.py writes it, so Python and Go read the same bytes) and is otherwise
//! built here. Run: `cargo bench -p enrollkit-profile --bench plist`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use enrollkit_profile::plist::{Dictionary, Value};
use enrollkit_profile::{ReadOptions, binary_bytes, read_profile, read_value, xml_bytes};

fn corpus() -> Option<Vec<Vec<u8>>> {
    enrollkit_testkit::corpus_bytes()
}

/// A profile with many payloads of every plist type, like benches/plist_compare.py builds.
fn built_large() -> Vec<u8> {
    let mut payloads = Vec::new();
    for i in 0..800i64 {
        let mut nested = Dictionary::new();
        nested.insert("Level".into(), Value::Integer(i.into()));
        nested.insert("Name".into(), Value::String(format!("nested-{i}")));
        let mut p = Dictionary::new();
        p.insert(
            "PayloadType".into(),
            Value::String(format!("com.example.settings.{}", i % 20)),
        );
        p.insert(
            "PayloadIdentifier".into(),
            Value::String(format!("com.example.payload.{i}")),
        );
        p.insert(
            "PayloadUUID".into(),
            Value::String(format!("00000000-0000-5000-8000-{i:012X}")),
        );
        p.insert("PayloadVersion".into(), Value::Integer(1.into()));
        p.insert(
            "PayloadDisplayName".into(),
            Value::String(format!("Settings & more <{i}>")),
        );
        p.insert("Enabled".into(), Value::Boolean(i % 2 == 0));
        p.insert("Ratio".into(), Value::Real(i as f64 * 0.25));
        p.insert(
            "Items".into(),
            Value::Array(
                (0..8)
                    .map(|j| Value::String(format!("item-{i}-{j}")))
                    .collect(),
            ),
        );
        p.insert("Blob".into(), Value::Data((0..128u8).collect()));
        let installed = UNIX_EPOCH + Duration::from_secs(1_714_640_400 + (i % 60) as u64);
        p.insert("Installed".into(), Value::Date(installed.into()));
        p.insert("Nested".into(), Value::Dictionary(nested));
        payloads.push(Value::Dictionary(p));
    }
    let mut top = Dictionary::new();
    top.insert("PayloadContent".into(), Value::Array(payloads));
    top.insert(
        "PayloadIdentifier".into(),
        Value::String("com.example.large".into()),
    );
    top.insert("PayloadType".into(), Value::String("Configuration".into()));
    top.insert(
        "PayloadUUID".into(),
        Value::String("6F1D8B2C-3A4E-4F5A-9B6C-7D8E9FA0B1C2".into()),
    );
    top.insert("PayloadVersion".into(), Value::Integer(1.into()));
    xml_bytes(&Value::Dictionary(top)).unwrap()
}

fn large() -> Vec<u8> {
    match std::env::var_os("ENROLLKIT_PLIST_BENCH_INPUTS") {
        Some(dir) => std::fs::read(Path::new(&dir).join("large.xml")).unwrap(),
        None => built_large(),
    }
}

fn bench(c: &mut Criterion) {
    let options = ReadOptions::default();
    let mut group = c.benchmark_group("plist");
    if let Some(files) = corpus() {
        group.throughput(Throughput::Bytes(
            files.iter().map(|f| f.len() as u64).sum(),
        ));
        group.bench_function("parse_xml/corpus", |b| {
            b.iter(|| {
                for f in &files {
                    black_box(read_value(black_box(f), &options).unwrap());
                }
            })
        });
    }
    let xml = large();
    let value = read_value(&xml, &options).unwrap().value;
    let binary = binary_bytes(&value).unwrap();
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("parse_xml/large", |b| {
        b.iter(|| black_box(read_value(black_box(&xml), &options).unwrap()))
    });
    group.bench_function("read_profile/large", |b| {
        b.iter(|| black_box(read_profile(black_box(&xml), &options).unwrap()))
    });
    group.bench_function("write_xml/large", |b| {
        b.iter(|| black_box(xml_bytes(black_box(&value)).unwrap()))
    });
    group.throughput(Throughput::Bytes(binary.len() as u64));
    group.bench_function("parse_binary/large", |b| {
        b.iter(|| black_box(read_value(black_box(&binary), &options).unwrap()))
    });
    group.bench_function("write_binary/large", |b| {
        b.iter(|| black_box(binary_bytes(black_box(&value)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
