//! The codes this crate emits: the `Flow` area of the registry in `enrollkit-diagnostic`
//! (`codes/flow.rs`), re-exported by name (`codes::PROFILE_EXPIRED` is `FLOW107`).

use enrollkit_diagnostic::{Area, docs};

pub use enrollkit_diagnostic::codes::flow::*;

/// The code table as Markdown (the same table the crate docs show); rendered by the registry's
/// one generator, and kept in the crate docs and docs/flows.md by a test.
pub fn code_table_markdown() -> String {
    docs::area_table(Area::Flow)
}
