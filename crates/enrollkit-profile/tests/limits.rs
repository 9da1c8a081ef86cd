//! Every reader limit (docs/limits.md) rejects hostile input with its own error code: payload
//! count, decoded string/data bytes, value count (binary plists that share objects expand
//! without bound otherwise), nesting depth in binary plists, and the input size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_profile::Coded;
use enrollkit_profile::{Limits, ProfileError, ReadOptions, read_profile, read_value};

/// A binary plist (`bplist00`) from hand-encoded objects; object 0 is the top. One-byte
/// object references, four-byte offsets.
fn bplist(objects: &[Vec<u8>]) -> Vec<u8> {
    assert!(objects.len() < 256);
    let mut out = b"bplist00".to_vec();
    let mut offsets = Vec::new();
    for object in objects {
        offsets.push(u32::try_from(out.len()).unwrap());
        out.extend_from_slice(object);
    }
    let table = out.len() as u64;
    for offset in offsets {
        out.extend_from_slice(&offset.to_be_bytes());
    }
    out.extend_from_slice(&[0; 6]);
    out.push(4); // offset size
    out.push(1); // object reference size
    out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&table.to_be_bytes());
    out
}

/// Marker byte plus a 4-byte length (`0x12` integer object) for counts of 15 and more.
fn header(marker: u8, len: usize) -> Vec<u8> {
    let mut h = vec![marker | 0x0F, 0x12];
    h.extend_from_slice(&u32::try_from(len).unwrap().to_be_bytes());
    h
}

/// An array of `refs` references, all to object `to`.
fn array_of(refs: usize, to: u8) -> Vec<u8> {
    let mut a = header(0xA0, refs);
    a.extend(std::iter::repeat_n(to, refs));
    a
}

fn data(len: usize) -> Vec<u8> {
    let mut d = header(0x40, len);
    d.extend(std::iter::repeat_n(0x41, len));
    d
}

fn profile_with_payloads(n: usize) -> Vec<u8> {
    let mut s = String::from("<plist><dict><key>PayloadContent</key><array>");
    for i in 0..n {
        s.push_str(&format!(
            "<dict><key>PayloadType</key><string>com.example.p{i}</string></dict>"
        ));
    }
    s.push_str("</array></dict></plist>");
    s.into_bytes()
}

#[test]
fn payload_count_limit() {
    let options = ReadOptions::default();
    assert_eq!(options.limits.max_payloads, 4096);
    let loaded = read_profile(&profile_with_payloads(4096), &options).unwrap();
    assert_eq!(loaded.profile.payload_content.unwrap().len(), 4096);
    let err = read_profile(&profile_with_payloads(4097), &options).unwrap_err();
    assert_eq!(err.code(), "PRF004");
    assert!(matches!(
        err,
        ProfileError::TooManyPayloads {
            count: 4097,
            limit: 4096
        }
    ));
}

#[test]
fn decoded_string_and_data_bytes_are_bounded() {
    let options = ReadOptions::with_limits(Limits {
        max_decoded_bytes: 1000,
        ..Limits::default()
    });
    let string = format!("<plist><string>{}</string></plist>", "x".repeat(1001));
    let err = read_value(string.as_bytes(), &options).unwrap_err();
    assert_eq!(err.code(), "PRF003");
    assert!(err.to_string().contains("decoded bytes"), "{err}");
    // 1,002 bytes of data in base64.
    let b64 = "QUFB".repeat(334);
    let data = format!("<plist><data>{b64}</data></plist>");
    assert_eq!(
        read_value(data.as_bytes(), &options).unwrap_err().code(),
        "PRF003"
    );
    // Exactly at the limit is fine.
    let at_limit = format!("<plist><string>{}</string></plist>", "x".repeat(1000));
    assert!(read_value(at_limit.as_bytes(), &options).is_ok());
}

#[test]
fn shared_binary_objects_cannot_expand_past_the_decoded_bytes_limit() {
    // 1 MiB of data referenced 100 times: a 1 MiB file that would decode to 100 MiB.
    let file = bplist(&[array_of(100, 1), data(1 << 20)]);
    assert!(file.len() < (1 << 20) + 200);
    let err = read_value(&file, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "PRF003", "{err}");
    assert!(err.to_string().contains("64"), "{err}");
    // The same shape within the limit reads: the sharing itself is legal.
    let small = bplist(&[array_of(10, 1), data(1000)]);
    let value = read_value(&small, &ReadOptions::default()).unwrap().value;
    assert_eq!(value.as_array().unwrap().len(), 10);
}

#[test]
fn shared_binary_arrays_cannot_expand_past_the_value_limit() {
    // Five levels of 200 references: under 1 KiB of input, 200^5 values if expanded.
    let mut objects: Vec<Vec<u8>> = (0..5u8).map(|i| array_of(200, i + 1)).collect();
    objects.push(vec![0x09]); // true
    let file = bplist(&objects);
    assert!(file.len() < 1100);
    // The expansion budget (bytes once every reference is counted) stops it first...
    let err = read_value(&file, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "PRF003", "{err}");
    assert!(
        err.to_string().contains("shared objects are expanded"),
        "{err}"
    );
    // ...and the value count stops it where the budget is raised.
    let options = ReadOptions::with_limits(Limits {
        max_expanded_bytes: usize::MAX,
        ..Limits::default()
    });
    let err = read_value(&file, &options).unwrap_err();
    assert_eq!(err.code(), "PRF003", "{err}");
    assert!(err.to_string().contains("values"), "{err}");
}

#[test]
fn binary_nesting_depth_is_bounded() {
    // A chain of 150 one-element arrays, each referencing the next.
    let mut objects: Vec<Vec<u8>> = (0..150u8).map(|i| vec![0xA1, i + 1]).collect();
    objects.push(vec![0x08]); // false
    let err = read_value(&bplist(&objects), &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "PRF002", "{err}");
    assert!(err.to_string().contains("100 levels"), "{err}");
}

#[test]
fn binary_reference_cycles_are_an_error() {
    // An array that contains itself.
    let err = read_value(&bplist(&[vec![0xA1, 0]]), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err.code().as_str(), "PRF006" | "PRF002"), "{err}");
}

#[test]
fn input_size_limit_is_exact() {
    let options = ReadOptions::with_limits(Limits {
        max_input_bytes: 64,
        ..Limits::default()
    });
    let at_limit = format!("<plist><string>{}</string></plist>", "x".repeat(64 - 32));
    assert_eq!(at_limit.len(), 64);
    assert!(read_value(at_limit.as_bytes(), &options).is_ok());
    let over = format!("<plist><string>{}</string></plist>", "x".repeat(64 - 31));
    assert_eq!(
        read_value(over.as_bytes(), &options).unwrap_err().code(),
        "PRF001"
    );
}

/// Without the `cms` feature a signed profile is recognised and refused with its own code,
/// never misread as a malformed property list.
#[cfg(not(feature = "cms"))]
#[test]
fn signed_input_needs_the_cms_feature() {
    // The DER prefix of a CMS ContentInfo: SEQUENCE, then the signedData OID.
    let signed = [
        0x30u8, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let err = read_value(&signed, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "PRF013", "{err}");
}
