//! Identity payloads: SCEP and ACME key rules (IDP).

use super::*;

impl Linter<'_> {
    pub(super) fn scep(&mut self, d: &Dictionary) {
        let Some(Value::Dictionary(content)) = d.get("PayloadContent") else {
            return;
        };
        match content.get("Keysize") {
            None => self.emit(
                rules::IDP001,
                self.loc("PayloadContent.Keysize"),
                "Keysize is absent, so the key is 1024 bits (the default)".to_owned(),
            ),
            Some(Value::Integer(i)) if i.as_signed() == Some(1024) => self.emit(
                rules::IDP001,
                self.loc("PayloadContent.Keysize"),
                "Keysize is 1024 bits".to_owned(),
            ),
            _ => {}
        }
        for (wrong, right) in [("KeyType", "Key Type"), ("KeyUsage", "Key Usage")] {
            if content.contains_key(wrong) {
                self.emit(
                    rules::IDP002,
                    self.loc(&format!("PayloadContent.{wrong}")),
                    format!("{wrong} should be spelled {right:?}"),
                );
            }
        }
    }
    pub(super) fn acme(&mut self, d: &Dictionary) {
        let size = get_int(d, "KeySize");
        let hardware = get_bool(d, "HardwareBound") == Some(true);
        let attest = get_bool(d, "Attest") == Some(true);
        match (get_str(d, "KeyType"), size) {
            (Some("RSA"), Some(n)) => {
                if n % 8 != 0 || !(1024..=4096).contains(&n) {
                    self.emit(
                        rules::IDP003,
                        self.loc("KeySize"),
                        format!("RSA KeySize {n} is not a multiple of 8 in 1024..=4096"),
                    );
                }
                if hardware {
                    self.emit(
                        rules::IDP003,
                        self.loc("HardwareBound"),
                        "RSA keys cannot be hardware-bound".to_owned(),
                    );
                }
            }
            (Some("ECSECPrimeRandom"), Some(n)) => {
                if ![192, 256, 384, 521].contains(&n) {
                    self.emit(
                        rules::IDP004,
                        self.loc("KeySize"),
                        format!("EC KeySize {n} is not 192, 256, 384 or 521"),
                    );
                } else if hardware && ![256, 384].contains(&n) {
                    self.emit(
                        rules::IDP004,
                        self.loc("KeySize"),
                        format!("hardware-bound EC keys must be 256 or 384 bits, not {n}"),
                    );
                }
            }
            _ => {}
        }
        if attest && !hardware {
            self.emit(
                rules::IDP005,
                self.loc("Attest"),
                "Attest is true but HardwareBound is not".to_owned(),
            );
        }
        if self.ctx.platform == Platform::MacOs
            && (hardware || attest)
            && self
                .ctx
                .os_version
                .is_some_and(|v| v < OsVersion::new(14, 0, 0))
        {
            let key = if hardware { "HardwareBound" } else { "Attest" };
            self.emit(
                rules::IDP006,
                self.loc(key),
                format!("{key} must be false before macOS 14"),
            );
        }
    }
}
