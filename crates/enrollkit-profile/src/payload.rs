//! One entry of `PayloadContent`, typed when its `PayloadType` is enrollment-critical.

use plist::{Dictionary, Value};

use crate::field::PlistField;
use crate::payloads::*;
use crate::typed::CommonKeys;

/// Payload types with a typed model.
pub mod types {
    /// MDM enrollment payload.
    pub const MDM: &str = "com.apple.mdm";
    /// SCEP identity.
    pub const SCEP: &str = "com.apple.security.scep";
    /// ACME identity.
    pub const ACME: &str = "com.apple.security.acme";
    /// PKCS#12 identity.
    pub const PKCS12: &str = "com.apple.security.pkcs12";
    /// Root certificate (DER).
    pub const ROOT: &str = "com.apple.security.root";
    /// Certificate (DER).
    pub const PKCS1: &str = "com.apple.security.pkcs1";
    /// Certificate (PEM).
    pub const PEM: &str = "com.apple.security.pem";
    /// Extensible SSO.
    pub const EXTENSIBLE_SSO: &str = "com.apple.extensiblesso";
    /// Login window (macOS).
    pub const LOGIN_WINDOW: &str = "com.apple.loginwindow";
    /// Wi-Fi.
    pub const WIFI: &str = "com.apple.wifi.managed";
}

/// The typed view of a payload, chosen by its `PayloadType`.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadKind {
    /// `com.apple.mdm`.
    Mdm(MdmPayload),
    /// `com.apple.security.scep`.
    Scep(ScepPayload),
    /// `com.apple.security.acme`.
    Acme(AcmePayload),
    /// `com.apple.security.pkcs12`.
    Pkcs12(Pkcs12Payload),
    /// `com.apple.security.root`, `.pkcs1` or `.pem`.
    Certificate(CertificatePayload),
    /// `com.apple.extensiblesso`.
    ExtensibleSso(ExtensibleSsoPayload),
    /// `com.apple.loginwindow`.
    LoginWindow(LoginWindowPayload),
    /// `com.apple.wifi.managed`.
    Wifi(WifiPayload),
    /// Every other type, kept as read.
    Generic(GenericPayload),
}

/// One payload of a profile.
///
/// ```
/// use enrollkit_profile::{Payload, PayloadKind};
/// let mut dict = plist::Dictionary::new();
/// dict.insert("PayloadType".into(), "com.apple.mdm".into());
/// dict.insert("Topic".into(), "com.apple.mgmt.x".into());
/// dict.insert("VendorKey".into(), 3.into());
/// let payload = Payload::from_dictionary(dict.clone());
/// let PayloadKind::Mdm(mdm) = &payload.kind else { panic!("typed") };
/// assert_eq!(mdm.topic.as_deref(), Some("com.apple.mgmt.x"));
/// assert_eq!(payload.to_dictionary(), dict); // unknown keys survive, in order
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The typed view.
    pub kind: PayloadKind,
}

macro_rules! each_kind {
    ($self:expr, $p:ident => $e:expr) => {
        match $self {
            PayloadKind::Mdm($p) => $e,
            PayloadKind::Scep($p) => $e,
            PayloadKind::Acme($p) => $e,
            PayloadKind::Pkcs12($p) => $e,
            PayloadKind::Certificate($p) => $e,
            PayloadKind::ExtensibleSso($p) => $e,
            PayloadKind::LoginWindow($p) => $e,
            PayloadKind::Wifi($p) => $e,
            PayloadKind::Generic($p) => $e,
        }
    };
}

impl Payload {
    /// Reads a payload dictionary, choosing the typed model from `PayloadType`.
    /// Never fails and never loses a key.
    pub fn from_dictionary(dict: Dictionary) -> Payload {
        let kind = match dict.get("PayloadType").and_then(Value::as_string) {
            Some(types::MDM) => PayloadKind::Mdm(MdmPayload::from_dictionary(dict)),
            Some(types::SCEP) => PayloadKind::Scep(ScepPayload::from_dictionary(dict)),
            Some(types::ACME) => PayloadKind::Acme(AcmePayload::from_dictionary(dict)),
            Some(types::PKCS12) => PayloadKind::Pkcs12(Pkcs12Payload::from_dictionary(dict)),
            Some(types::ROOT | types::PKCS1 | types::PEM) => {
                PayloadKind::Certificate(CertificatePayload::from_dictionary(dict))
            }
            Some(types::EXTENSIBLE_SSO) => {
                PayloadKind::ExtensibleSso(ExtensibleSsoPayload::from_dictionary(dict))
            }
            Some(types::LOGIN_WINDOW) => {
                PayloadKind::LoginWindow(LoginWindowPayload::from_dictionary(dict))
            }
            Some(types::WIFI) => PayloadKind::Wifi(WifiPayload::from_dictionary(dict)),
            _ => PayloadKind::Generic(GenericPayload::from_dictionary(dict)),
        };
        Payload { kind }
    }

    /// Writes the payload back to a dictionary, in its original key order.
    pub fn to_dictionary(&self) -> Dictionary {
        each_kind!(&self.kind, p => p.to_dictionary())
    }

    /// The keys every payload has.
    pub fn common(&self) -> &CommonKeys {
        each_kind!(&self.kind, p => &p.common)
    }

    /// Mutable access to the keys every payload has.
    pub fn common_mut(&mut self) -> &mut CommonKeys {
        each_kind!(&mut self.kind, p => &mut p.common)
    }

    /// Keys this payload's typed model did not take, as read.
    pub fn extra(&self) -> &Dictionary {
        each_kind!(&self.kind, p => &p.extra)
    }

    /// `PayloadType`.
    pub fn payload_type(&self) -> Option<&str> {
        self.common().payload_type.as_deref()
    }

    /// `PayloadIdentifier`.
    pub fn identifier(&self) -> Option<&str> {
        self.common().payload_identifier.as_deref()
    }

    /// `PayloadUUID`.
    pub fn uuid(&self) -> Option<&str> {
        self.common().payload_uuid.as_deref()
    }

    /// `PayloadDisplayName`.
    pub fn display_name(&self) -> Option<&str> {
        self.common().payload_display_name.as_deref()
    }

    /// Required keys (common and type-specific) that are absent.
    pub fn missing_required(&self) -> Vec<&'static str> {
        let mut missing = self.common().missing_required();
        missing.extend(each_kind!(&self.kind, p => p.missing_required_fields()));
        missing
    }

    /// The MDM payload, if this is one.
    pub fn as_mdm(&self) -> Option<&MdmPayload> {
        match &self.kind {
            PayloadKind::Mdm(p) => Some(p),
            _ => None,
        }
    }

    /// True for SCEP, ACME and PKCS#12 payloads: what `IdentityCertificateUUID` may point to.
    pub fn is_identity(&self) -> bool {
        matches!(
            self.kind,
            PayloadKind::Scep(_) | PayloadKind::Acme(_) | PayloadKind::Pkcs12(_)
        )
    }
}

impl PlistField for Payload {
    fn from_plist(value: &Value) -> Option<Self> {
        value
            .as_dictionary()
            .map(|d| Payload::from_dictionary(d.clone()))
    }
    fn to_plist(&self) -> Value {
        Value::Dictionary(self.to_dictionary())
    }
}

macro_rules! payload_from {
    ($($ty:ident => $variant:ident),* $(,)?) => {
        $(impl From<$ty> for Payload {
            fn from(p: $ty) -> Self {
                Payload { kind: PayloadKind::$variant(p) }
            }
        })*
    };
}

payload_from!(
    MdmPayload => Mdm,
    ScepPayload => Scep,
    AcmePayload => Acme,
    Pkcs12Payload => Pkcs12,
    CertificatePayload => Certificate,
    ExtensibleSsoPayload => ExtensibleSso,
    LoginWindowPayload => LoginWindow,
    WifiPayload => Wifi,
    GenericPayload => Generic,
);
