//! Lint and the install check, composed once: a profile's bytes in, one verdict out.

use enrollkit_diagnostic::{Diagnostic, Location, codes, has_errors};
use enrollkit_lint::LintContext;
use enrollkit_lint::install::{
    InstallOutcome, InstalledSet, PayloadPlan, ProfileSummary, summaries_from_value,
};
use serde::Serialize;

use crate::Error;
use crate::load::{Loaded, load};

/// Lints a profile (XML, binary or signed; the signature is not judged) for a target device.
///
/// ```
/// use enrollkit::lint::{LintContext, Platform};
/// let findings = enrollkit::check::lint(b"<plist><array/></plist>", &LintContext::new(Platform::Ios))?;
/// assert_eq!(findings[0].code, "STR001");
/// # Ok::<(), enrollkit::Error>(())
/// ```
pub fn lint(bytes: &[u8], context: &LintContext) -> Result<Vec<Diagnostic>, Error> {
    Ok(lint_loaded(&load(bytes)?, context))
}

/// Lints a loaded profile.
pub fn lint_loaded(loaded: &Loaded, context: &LintContext) -> Vec<Diagnostic> {
    enrollkit_lint::lint_value(&loaded.value, context)
}

/// The installed profiles one input describes: a profile (signed or not; a signed one brings
/// its signer's certificates), a `ProfileList` command answer, or an array of its entries.
pub fn installed_profiles(bytes: &[u8]) -> Result<Vec<ProfileSummary>, Error> {
    let loaded = load(bytes)?;
    let mut summaries = summaries_from_value(&loaded.value)?;
    if let (Some(signed), [only]) = (&loaded.signed, summaries.as_mut_slice()) {
        only.signer_certificates = signed.signer_chain.clone();
    }
    Ok(summaries)
}

/// Most installed profiles plus payloads one install check accepts, over all its inputs. Each
/// input is bounded by the reader's limits; this bounds their sum (a device has hundreds).
pub const MAX_INSTALLED_ENTRIES: usize = 150_000;

/// The installed profiles of a device, gathered from several inputs within
/// [`MAX_INSTALLED_ENTRIES`].
#[derive(Debug, Clone, Default)]
pub struct Installed {
    profiles: Vec<ProfileSummary>,
    entries: usize,
}

impl Installed {
    /// No installed profiles yet.
    pub fn new() -> Self {
        Installed::default()
    }

    /// Adds the profiles one input describes (see [`installed_profiles`]); refuses the input
    /// with `CHK103` when the total would pass [`MAX_INSTALLED_ENTRIES`].
    pub fn add(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let more = installed_profiles(bytes)?;
        let entries: usize = more.iter().map(|p| 1 + p.payloads.len()).sum();
        let total = self.entries.saturating_add(entries);
        if total > MAX_INSTALLED_ENTRIES {
            return Err(Error::invalid(
                codes::install::TOO_MANY_INSTALLED,
                format!(
                    "the installed profiles add up to {total} profiles and payloads, more than the limit of {MAX_INSTALLED_ENTRIES}"
                ),
            ));
        }
        self.entries = total;
        self.profiles.extend(more);
        Ok(())
    }

    /// The profiles gathered so far.
    pub fn into_profiles(self) -> Vec<ProfileSummary> {
        self.profiles
    }
}

/// What installing a profile does on a device, with lint and the install check as one verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallCheck {
    /// Install, replace, or rejected — rejected when any lint or install finding is an error.
    pub outcome: InstallOutcome,
    /// Per-payload plan (every payload of the new profile, plus removed ones on replacement).
    pub plan: Vec<PayloadPlan>,
    /// Lint findings for the new profile in this context.
    pub lint: Vec<Diagnostic>,
    /// Install findings (`CHK` codes); payload indices refer to the new profile.
    pub diagnostics: Vec<Diagnostic>,
}

impl InstallCheck {
    /// True when the device would refuse the profile (or a payload of it would have no effect).
    pub fn rejected(&self) -> bool {
        self.outcome == InstallOutcome::Rejected
    }
}

/// Predicts what a device with `installed` profiles does with `new` (XML, binary or signed).
///
/// A signed `new` must be intact: the device verifies the signature before it compares signers,
/// so a broken one is `CHK012` and the signer certificates it carries are not believed.
pub fn check_install(
    new: &[u8],
    installed: Vec<ProfileSummary>,
    context: &LintContext,
) -> Result<InstallCheck, Error> {
    let loaded = load(new)?;
    let mut summaries = summaries_from_value(&loaded.value)?;
    if summaries.len() != 1 {
        return Err(Error::invalid(
            codes::argument::INVALID_ARGUMENT,
            format!(
                "expected one profile to install, found a list of {}",
                summaries.len()
            ),
        ));
    }
    let mut summary = summaries.remove(0);
    let mut broken = None;
    if let Some(signed) = &loaded.signed {
        let integrity = enrollkit_cms::check_integrity(&signed.container);
        match integrity.intact {
            Ok(()) => summary.signer_certificates = integrity.signer_chain,
            Err(reason) => {
                broken = Some(codes::install::CHK012.at(
                    Location::top(""),
                    format!(
                        "the signature does not verify ({}: {})",
                        reason.code, reason.message
                    ),
                ));
            }
        }
    }
    let report = InstalledSet::new(installed).check(&summary, context);
    let lint = lint_loaded(&loaded, context);
    let mut diagnostics = Vec::with_capacity(report.diagnostics.len() + 1);
    diagnostics.extend(broken);
    diagnostics.extend(report.diagnostics);
    let outcome = if has_errors(&lint) || has_errors(&diagnostics) {
        InstallOutcome::Rejected
    } else {
        report.outcome
    };
    Ok(InstallCheck {
        outcome,
        plan: report.plan,
        lint,
        diagnostics,
    })
}
