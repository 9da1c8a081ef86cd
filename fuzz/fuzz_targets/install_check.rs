//! Runs the install check on arbitrary bytes read as a property list: a profile, a
//! `ProfileList` answer or an array of entries. The last profile is installed over the others
//! (in a context chosen by the first byte); the enrollment-update check compares the first and
//! the last. Must not panic; findings carry documented codes; the plan covers every new payload.
#![no_main]

use enrollkit_lint::install::{InstalledSet, check_enrollment_update, summaries_from_value};
use enrollkit_lint::{Enrollment, LintContext, Platform, rule};
use enrollkit_profile::{ReadOptions, read_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [selector, rest @ ..] = data else { return };
    let Ok(loaded) = read_value(rest, &ReadOptions::default()) else {
        return;
    };
    let Ok(mut summaries) = summaries_from_value(&loaded.value) else {
        return;
    };
    let Some(new) = summaries.pop() else { return };
    let platform = Platform::ALL[usize::from(*selector) % Platform::ALL.len()];
    let enrollment =
        [Enrollment::Device, Enrollment::User, Enrollment::Ade][usize::from(selector / 5) % 3];
    let ctx = LintContext::new(platform).with_enrollment(enrollment);
    let first = summaries.first().cloned();
    let report = InstalledSet::new(summaries).check(&new, &ctx);
    assert!(
        report.plan.len() >= new.payloads.len(),
        "plan misses payloads of the new profile"
    );
    let update = first
        .map(|old| check_enrollment_update(&old, &new))
        .unwrap_or_default();
    for d in report.diagnostics.iter().chain(&update) {
        assert!(
            rule(d.code.as_str()).is_some(),
            "finding with undocumented code {}",
            d.code
        );
    }
});
