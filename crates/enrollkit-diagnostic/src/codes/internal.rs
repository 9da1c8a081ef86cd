//! Broken internal invariants: bugs to report.

crate::declare_codes! {
    area: Internal;
    INTERNAL = "INT001", Error,
        "An internal invariant was broken.",
        "",
        "Report this as a bug with the input that caused it.";
}
