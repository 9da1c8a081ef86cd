//! Lints arbitrary bytes read as a property list, in a context chosen by the first byte
//! (platform, enrollment, supervision, install method) and the second (OS version).
//! Linting must not panic, and every finding must carry a code from the rule table.
#![no_main]

use enrollkit_lint::{Enrollment, InstallMethod, LintContext, Platform, rule, lint_value};
use enrollkit_profile::{ReadOptions, read_value};
use libfuzzer_sys::fuzz_target;

const VERSIONS: [Option<&str>; 6] = [
    None,
    Some("13.1"),
    Some("15.0"),
    Some("17.4"),
    Some("18.0"),
    Some("26.0"),
];

pub fn context(selector: u8, version: u8) -> LintContext {
    let platform = Platform::ALL[usize::from(selector) % Platform::ALL.len()];
    let enrollment =
        [Enrollment::Device, Enrollment::User, Enrollment::Ade][usize::from(selector / 5) % 3];
    let mut ctx = LintContext::new(platform)
        .with_enrollment(enrollment)
        .with_supervised(selector & 0x40 != 0)
        .with_install(if selector & 0x80 != 0 {
            InstallMethod::Manual
        } else {
            InstallMethod::Mdm
        });
    if let Some(v) = VERSIONS[usize::from(version) % VERSIONS.len()] {
        ctx = ctx.with_os_version(v.parse().expect("known version"));
    }
    ctx
}

fuzz_target!(|data: &[u8]| {
    let [selector, version, rest @ ..] = data else {
        return;
    };
    let Ok(loaded) = read_value(rest, &ReadOptions::default()) else {
        return;
    };
    for d in lint_value(&loaded.value, &context(*selector, *version)) {
        assert!(
            rule(d.code.as_str()).is_some(),
            "finding with undocumented code {}",
            d.code
        );
        assert!(!d.message.is_empty(), "{} has no message", d.code);
    }
});
