//! Reads arbitrary bytes as a profile (XML, binary or CMS-signed) and, when that works,
//! checks the lossless round trip through XML and binary.
#![no_main]

use enrollkit_profile::{ReadOptions, read_profile, read_value};
use enrollkit_profile::plist::Value;
use libfuzzer_sys::fuzz_target;

fn has_nan(value: &Value) -> bool {
    match value {
        Value::Real(r) => r.is_nan(),
        Value::Array(items) => items.iter().any(has_nan),
        Value::Dictionary(dict) => dict.values().any(has_nan),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions::default();
    let _ = read_value(data, &options);
    let Ok(loaded) = read_profile(data, &options) else {
        return;
    };
    for written in [loaded.profile.to_xml(), loaded.profile.to_binary()] {
        // NaN reals cannot compare equal; everything else must survive.
        let Ok(bytes) = written else { continue };
        let again = read_profile(&bytes, &options).expect("our own output must read back");
        // (Not through Debug: plist's Date Debug panics on years XML cannot carry.)
        if !has_nan(&loaded.profile.to_value()) {
            assert_eq!(again.profile, loaded.profile, "round trip changed the profile");
        }
    }
});
