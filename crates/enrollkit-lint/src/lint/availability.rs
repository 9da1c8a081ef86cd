//! Payload-level availability: platform and OS version (OS), User Enrollment (UE), install context (INS).

use super::*;

impl Linter<'_> {
    /// OS availability of the payload type. Returns false when it is not available at all.
    pub(super) fn payload_availability(&mut self, ptype: &str, support: &OsSupport) -> bool {
        let platform = self.ctx.platform;
        match support.introduced {
            Some(Introduced::NotAvailable) => {
                self.emit(
                    rules::OS001,
                    self.loc("PayloadType"),
                    format!("{ptype} is not available on {platform}"),
                );
                return false;
            }
            Some(Introduced::In(v)) if !self.ctx.at_least(v) => {
                self.emit(
                    rules::OS003,
                    self.loc("PayloadType"),
                    format!("{ptype} needs {platform} {v} or later"),
                );
                return false;
            }
            _ => {}
        }
        if let Some(r) = support.removed.filter(|r| self.ctx.at_least(*r)) {
            self.emit(
                rules::OS005,
                self.loc("PayloadType"),
                format!("{ptype} was removed in {platform} {r}"),
            );
            return false;
        }
        if let Some(v) = support.deprecated.filter(|v| self.ctx.at_least(*v)) {
            self.emit(
                rules::OS007,
                self.loc("PayloadType"),
                format!("{ptype} is deprecated since {platform} {v}"),
            );
        }
        true
    }
    /// User Enrollment and install-context rules at the payload level.
    pub(super) fn payload_context(&mut self, ptype: &str, support: &OsSupport) {
        let ctx = self.ctx;
        match (ctx.enrollment, support.user_enrollment) {
            (Enrollment::User, Some(UeMode::Forbidden)) => {
                let rule = if ctx.platform == Platform::MacOs {
                    rules::UE002
                } else {
                    rules::UE001
                };
                let effect = if ctx.platform == Platform::MacOs {
                    "macOS drops the payload"
                } else {
                    "the whole profile is rejected"
                };
                self.emit(
                    rule,
                    self.loc("PayloadType"),
                    format!(
                        "{ptype} is forbidden under User Enrollment on {}: {effect}",
                        ctx.platform
                    ),
                );
            }
            (Enrollment::Device | Enrollment::Ade, Some(UeMode::Required)) => self.emit(
                rules::UE005,
                self.loc("PayloadType"),
                format!("{ptype} only applies under User Enrollment"),
            ),
            _ => {}
        }
        if ctx.install == InstallMethod::Manual && support.allow_manual_install == Some(false) {
            self.emit(
                rules::INS001,
                self.loc("PayloadType"),
                format!(
                    "{ptype} can only be installed through MDM on {}",
                    ctx.platform
                ),
            );
        }
        if !ctx.supervised && support.supervised == Some(true) {
            self.emit(
                rules::INS002,
                self.loc("PayloadType"),
                format!("{ptype} needs a supervised {}", ctx.platform),
            );
        }
    }
}
