//! Wi-Fi networks the settings editor cannot express: WPA3-Personal and WPA2/WPA3-Enterprise.
//!
//! The answer file's own `WLANXmlSettings` offer only Open, WEP and WPA2-Personal. Every other
//! network becomes a WLAN profile document (the `WLANProfile` schema of the Native Wi-Fi
//! AutoConfig service, the format `netsh wlan export profile` writes) shipped as a package
//! asset and added on the device with `netsh wlan add profile filename="…" user=all`.
//!
//! Element names, their order and the enumerations follow Microsoft's published schemas:
//! `WLAN_profile` (namespace `…/WLAN/profile/v1`; `transitionMode` in `…/v4`), `OneX`
//! (`…/OneX/v1`) and the EapHost configuration schemas for EAP-TLS (type 13) and
//! PEAP-MSCHAPv2 (types 25 and 26).
//!
//! ```
//! use enrollkit_ppkg::{EapMethod, EnterpriseMode, WlanProfile, WlanSecurity, ServerValidation};
//!
//! let profile = WlanProfile {
//!     ssid: "Contoso-Corp".into(),
//!     hidden: false,
//!     auto_connect: true,
//!     security: WlanSecurity::Enterprise {
//!         mode: EnterpriseMode::Wpa3,
//!         eap: EapMethod::Tls,
//!         validation: ServerValidation {
//!             server_names: vec!["radius.contoso.com".into()],
//!             trusted_root_ca_sha1: vec!["8f43288ad272f3103b6fb1428485ea3014c0bcfe".into()],
//!         },
//!     },
//! };
//! assert!(profile.problems().is_empty());
//! let xml = String::from_utf8(profile.to_xml().unwrap()).unwrap();
//! assert!(xml.contains("<authentication>WPA3ENT</authentication>"));
//! assert!(xml.contains("<eapTls:TrustedRootCA>8f 43 28 8a"));
//! ```

use enrollkit_diagnostic::codes::package as codes;
use enrollkit_diagnostic::{Code, Secret};

use crate::command::{CommandLine, asset_command};
use crate::error::RecipeError;
use crate::model::CommandConfig;
use crate::xml::{Element, write_element_tree};

const WLAN_NS: &str = "http://www.microsoft.com/networking/WLAN/profile/v1";
const WLAN_V4_NS: &str = "http://www.microsoft.com/networking/WLAN/profile/v4";
const ONEX_NS: &str = "http://www.microsoft.com/networking/OneX/v1";
const EAPHOST_NS: &str = "http://www.microsoft.com/provisioning/EapHostConfig";
const EAP_COMMON_NS: &str = "http://www.microsoft.com/provisioning/EapCommon";
const BASE_EAP_NS: &str = "http://www.microsoft.com/provisioning/BaseEapConnectionPropertiesV1";
const EAP_TLS_NS: &str = "http://www.microsoft.com/provisioning/EapTlsConnectionPropertiesV1";
const MS_PEAP_NS: &str = "http://www.microsoft.com/provisioning/MsPeapConnectionPropertiesV1";
const MS_CHAPV2_NS: &str = "http://www.microsoft.com/provisioning/MsChapV2ConnectionPropertiesV1";

/// A Wi-Fi network written as a WLAN profile document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WlanProfile {
    /// The network name (1-32 bytes); also the profile name.
    pub ssid: String,
    /// The network does not broadcast its SSID (`nonBroadcast`).
    pub hidden: bool,
    /// Connect automatically (`connectionMode` `auto`, else `manual`).
    pub auto_connect: bool,
    /// Authentication and its credentials.
    pub security: WlanSecurity,
}

/// How a [`WlanProfile`] authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WlanSecurity {
    /// WPA3-Personal (SAE) with a passphrase. With `transition_mode` the profile also joins
    /// the WPA2 side of a WPA2/WPA3 mixed network (Windows 11).
    Wpa3Personal {
        /// The passphrase: 8-63 printable ASCII characters.
        passphrase: Secret,
        /// Write `transitionMode` true.
        transition_mode: bool,
    },
    /// 802.1X with EAP.
    Enterprise {
        /// WPA2-, WPA3- or WPA3-192-bit Enterprise.
        mode: EnterpriseMode,
        /// The EAP method.
        eap: EapMethod,
        /// How the device recognises the RADIUS server.
        validation: ServerValidation,
    },
}

/// The 802.11 authentication of an enterprise network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterpriseMode {
    /// `WPA2` with AES.
    Wpa2,
    /// `WPA3ENT` with AES.
    Wpa3,
    /// `WPA3ENT192` with GCMP-256 (the 192-bit mode; EAP-TLS only).
    Wpa3Suite192,
}

impl EnterpriseMode {
    fn authentication(self) -> &'static str {
        match self {
            EnterpriseMode::Wpa2 => "WPA2",
            EnterpriseMode::Wpa3 => "WPA3ENT",
            EnterpriseMode::Wpa3Suite192 => "WPA3ENT192",
        }
    }

    fn encryption(self) -> &'static str {
        match self {
            EnterpriseMode::Wpa3Suite192 => "GCMP256",
            _ => "AES",
        }
    }
}

/// The EAP method of an enterprise network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EapMethod {
    /// EAP-TLS (type 13) with the machine's certificate from its store: connects unattended.
    Tls,
    /// PEAP (type 25) with MSCHAPv2 inside (type 26): needs a user name and password when it
    /// connects.
    PeapMschapV2,
}

/// Server validation of an enterprise network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerValidation {
    /// Names the RADIUS server's certificate must carry (`ServerNames`, joined with `;`).
    pub server_names: Vec<String>,
    /// SHA-1 thumbprints (40 hex digits) of the root CAs that may issue it.
    pub trusted_root_ca_sha1: Vec<String>,
}

/// What is wrong with a [`WlanProfile`]; [`WlanProfile::problems`] lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WlanProblem {
    /// The SSID is empty or longer than 32 bytes.
    SsidLength(usize),
    /// The WPA3 passphrase is not 8-63 printable ASCII characters.
    Passphrase(usize),
    /// An enterprise network names no server or no trusted root: at first boot nobody can
    /// answer the trust prompt, and without names any certificate from the root is accepted.
    NoServerValidation,
    /// A thumbprint is not 40 hex digits.
    Thumbprint(String),
    /// A server name is empty or contains `;`, which separates names.
    ServerName(String),
    /// WPA3-Enterprise 192-bit mode with PEAP: the mode requires EAP-TLS.
    Suite192NeedsTls,
}

impl WlanProblem {
    /// The validation rule it breaks.
    pub fn code(&self) -> Code {
        match self {
            WlanProblem::SsidLength(_) => codes::SSID,
            WlanProblem::Passphrase(_) => codes::WIFI_KEY,
            WlanProblem::NoServerValidation
            | WlanProblem::Thumbprint(_)
            | WlanProblem::ServerName(_) => codes::ENTERPRISE_VALIDATION,
            WlanProblem::Suite192NeedsTls => codes::SUITE192_EAP,
        }
    }
}

impl std::fmt::Display for WlanProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WlanProblem::SsidLength(n) => write!(f, "SSID has {n} bytes"),
            WlanProblem::Passphrase(n) => write!(
                f,
                "the WPA3-Personal passphrase has {n} characters; it takes 8-63 printable ASCII characters"
            ),
            WlanProblem::NoServerValidation => f.write_str(
                "an enterprise network needs server_names and trusted_root_ca_sha1, or the device cannot tell the RADIUS server from an impostor",
            ),
            WlanProblem::Thumbprint(t) => {
                write!(f, "trusted root thumbprint `{t}` is not 40 hex digits")
            }
            WlanProblem::ServerName(n) => write!(
                f,
                "server name `{n}` is empty or contains `;` (names are separated by `;`)"
            ),
            WlanProblem::Suite192NeedsTls => {
                f.write_str("WPA3-Enterprise 192-bit mode requires EAP-TLS, not PEAP")
            }
        }
    }
}

fn normalized_thumbprint(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ':'))
        .collect::<String>()
        .to_ascii_lowercase();
    (hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// `aa bb cc …`: the spelling the EapHost schemas use for thumbprints.
fn spaced_thumbprint(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn leaf(name: &str, text: &str) -> Element {
    Element::new(name).with_text(text)
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

impl WlanProfile {
    /// Everything that would make Windows refuse the profile or leave it unusable.
    pub fn problems(&self) -> Vec<WlanProblem> {
        let mut out = Vec::new();
        if self.ssid.is_empty() || self.ssid.len() > 32 {
            out.push(WlanProblem::SsidLength(self.ssid.len()));
        }
        match &self.security {
            WlanSecurity::Wpa3Personal { passphrase, .. } => {
                let key = passphrase.expose();
                let printable = key.bytes().all(|b| (0x20..=0x7e).contains(&b));
                if !(8..=63).contains(&key.len()) || !printable {
                    out.push(WlanProblem::Passphrase(key.chars().count()));
                }
            }
            WlanSecurity::Enterprise {
                mode,
                eap,
                validation,
            } => {
                if validation.server_names.is_empty() || validation.trusted_root_ca_sha1.is_empty()
                {
                    out.push(WlanProblem::NoServerValidation);
                }
                for name in &validation.server_names {
                    if name.trim().is_empty() || name.contains(';') {
                        out.push(WlanProblem::ServerName(name.clone()));
                    }
                }
                for thumbprint in &validation.trusted_root_ca_sha1 {
                    if normalized_thumbprint(thumbprint).is_none() {
                        out.push(WlanProblem::Thumbprint(thumbprint.clone()));
                    }
                }
                if *mode == EnterpriseMode::Wpa3Suite192 && *eap != EapMethod::Tls {
                    out.push(WlanProblem::Suite192NeedsTls);
                }
            }
        }
        out
    }

    /// The `WLANProfile` document (UTF-8, XML declaration). The key, if any, is written in
    /// clear (`protected` false) as Windows requires for an imported profile; the document is
    /// as secret as the answer file.
    pub fn to_xml(&self) -> Result<Vec<u8>, crate::error::WriteError> {
        let hex: String = self.ssid.bytes().map(|b| format!("{b:02X}")).collect();
        let ssid_config = Element::new("SSIDConfig")
            .with_child(
                Element::new("SSID")
                    .with_child(leaf("hex", &hex))
                    .with_child(leaf("name", &self.ssid)),
            )
            .with_child(leaf("nonBroadcast", bool_text(self.hidden)));
        let mut security = Element::new("security");
        match &self.security {
            WlanSecurity::Wpa3Personal {
                passphrase,
                transition_mode,
            } => {
                let mut auth = Element::new("authEncryption")
                    .with_child(leaf("authentication", "WPA3SAE"))
                    .with_child(leaf("encryption", "AES"))
                    .with_child(leaf("useOneX", "false"));
                if *transition_mode {
                    auth.push(
                        Element::new("transitionMode")
                            .with_attr("xmlns", WLAN_V4_NS)
                            .with_text("true"),
                    );
                }
                security.push(auth);
                security.push(
                    Element::new("sharedKey")
                        .with_child(leaf("keyType", "passPhrase"))
                        .with_child(leaf("protected", "false"))
                        .with_child(leaf("keyMaterial", passphrase.expose())),
                );
            }
            WlanSecurity::Enterprise {
                mode,
                eap,
                validation,
            } => {
                security.push(
                    Element::new("authEncryption")
                        .with_child(leaf("authentication", mode.authentication()))
                        .with_child(leaf("encryption", mode.encryption()))
                        .with_child(leaf("useOneX", "true")),
                );
                security.push(one_x(*eap, validation));
            }
        }
        let root = Element::new("WLANProfile")
            .with_attr("xmlns", WLAN_NS)
            .with_child(leaf("name", &self.ssid))
            .with_child(ssid_config)
            .with_child(leaf("connectionType", "ESS"))
            .with_child(leaf(
                "connectionMode",
                if self.auto_connect { "auto" } else { "manual" },
            ))
            .with_child(Element::new("MSM").with_child(security));
        write_element_tree(&root)
    }

    /// The `PrimaryContext` command that adds the profile for all users:
    /// `netsh wlan add profile filename="<file>" user=all`, with the profile at
    /// `asset_dir\<file>` on the build machine.
    pub fn command_config(
        &self,
        command_name: &str,
        file_name: &str,
        asset_dir: &str,
    ) -> Result<CommandConfig, RecipeError> {
        let line = CommandLine::new()
            .text("netsh wlan add profile filename=")
            .quoted_file_name(file_name)?
            .text(" user=all");
        asset_command(command_name, asset_dir, file_name, line)
    }
}

fn server_validation(prefix: &str, validation: &ServerValidation) -> Element {
    let mut element = Element::new(format!("{prefix}:ServerValidation"))
        // No prompt: at first boot nobody is there to answer it, and the names and roots below
        // decide instead.
        .with_child(leaf(
            &format!("{prefix}:DisableUserPromptForServerValidation"),
            "true",
        ))
        .with_child(leaf(
            &format!("{prefix}:ServerNames"),
            &validation.server_names.join(";"),
        ));
    for thumbprint in &validation.trusted_root_ca_sha1 {
        let hex = normalized_thumbprint(thumbprint).unwrap_or_default();
        element.push(leaf(
            &format!("{prefix}:TrustedRootCA"),
            &spaced_thumbprint(&hex),
        ));
    }
    element
}

fn one_x(eap: EapMethod, validation: &ServerValidation) -> Element {
    let (type_code, auth_mode) = match eap {
        EapMethod::Tls => ("13", "machine"),
        EapMethod::PeapMschapV2 => ("25", "machineOrUser"),
    };
    let method = Element::new("EapMethod")
        .with_child(leaf("eapCommon:Type", type_code))
        .with_child(leaf("eapCommon:VendorId", "0"))
        .with_child(leaf("eapCommon:VendorType", "0"))
        .with_child(leaf("eapCommon:AuthorId", "0"));
    let eap_type = match eap {
        EapMethod::Tls => Element::new("eapTls:EapType")
            .with_child(
                Element::new("eapTls:CredentialsSource").with_child(
                    Element::new("eapTls:CertificateStore")
                        .with_child(leaf("eapTls:SimpleCertSelection", "true")),
                ),
            )
            .with_child(server_validation("eapTls", validation))
            .with_child(leaf("eapTls:DifferentUsername", "false")),
        EapMethod::PeapMschapV2 => Element::new("msPeap:EapType")
            .with_child(server_validation("msPeap", validation))
            .with_child(leaf("msPeap:FastReconnect", "true"))
            .with_child(leaf("msPeap:InnerEapOptional", "false"))
            .with_child(
                Element::new("baseEap:Eap")
                    .with_child(leaf("baseEap:Type", "26"))
                    .with_child(
                        Element::new("msChapV2:EapType")
                            .with_child(leaf("msChapV2:UseWinLogonCredentials", "false")),
                    ),
            )
            .with_child(leaf("msPeap:EnableQuarantineChecks", "false"))
            .with_child(leaf("msPeap:RequireCryptoBinding", "false")),
    };
    let config = Element::new("Config").with_attr("xmlns:baseEap", BASE_EAP_NS);
    let config = match eap {
        EapMethod::Tls => config.with_attr("xmlns:eapTls", EAP_TLS_NS),
        EapMethod::PeapMschapV2 => config
            .with_attr("xmlns:msPeap", MS_PEAP_NS)
            .with_attr("xmlns:msChapV2", MS_CHAPV2_NS),
    };
    let config = config.with_child(
        Element::new("baseEap:Eap")
            .with_child(leaf("baseEap:Type", type_code))
            .with_child(eap_type),
    );
    Element::new("OneX")
        .with_attr("xmlns", ONEX_NS)
        .with_child(leaf("authMode", auth_mode))
        .with_child(
            Element::new("EAPConfig").with_child(
                Element::new("EapHostConfig")
                    .with_attr("xmlns", EAPHOST_NS)
                    .with_attr("xmlns:eapCommon", EAP_COMMON_NS)
                    .with_child(method)
                    .with_child(config),
            ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn personal(key: &str) -> WlanProfile {
        WlanProfile {
            ssid: "Lab".into(),
            hidden: true,
            auto_connect: false,
            security: WlanSecurity::Wpa3Personal {
                passphrase: Secret::new(key),
                transition_mode: true,
            },
        }
    }

    #[test]
    fn personal_profile_carries_sae_transition_and_key() {
        let profile = personal("correct horse battery");
        assert!(profile.problems().is_empty());
        let xml = String::from_utf8(profile.to_xml().unwrap()).unwrap();
        for needle in [
            "<hex>4C6162</hex>",
            "<nonBroadcast>true</nonBroadcast>",
            "<connectionMode>manual</connectionMode>",
            "<authentication>WPA3SAE</authentication>",
            &format!("<transitionMode xmlns=\"{WLAN_V4_NS}\">true</transitionMode>"),
            "<keyMaterial>correct horse battery</keyMaterial>",
        ] {
            assert!(xml.contains(needle), "{needle} in {xml}");
        }
        assert!(!format!("{profile:?}").contains("correct horse"));
    }

    #[test]
    fn weak_keys_and_missing_validation_are_problems() {
        assert_eq!(personal("short").problems(), [WlanProblem::Passphrase(5)]);
        let open_trust = WlanProfile {
            ssid: "Corp".into(),
            hidden: false,
            auto_connect: true,
            security: WlanSecurity::Enterprise {
                mode: EnterpriseMode::Wpa3Suite192,
                eap: EapMethod::PeapMschapV2,
                validation: ServerValidation {
                    server_names: vec!["a;b".into()],
                    trusted_root_ca_sha1: vec![],
                },
            },
        };
        assert_eq!(
            open_trust.problems(),
            [
                WlanProblem::NoServerValidation,
                WlanProblem::ServerName("a;b".into()),
                WlanProblem::Suite192NeedsTls
            ]
        );
    }
}
