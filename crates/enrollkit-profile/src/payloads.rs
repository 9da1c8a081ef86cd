//! Typed payloads for the enrollment-critical payload types.
//!
//! Field names follow the plist keys; each struct keeps unknown keys in `extra`.

use plist::Dictionary;

use crate::field::{PlistField, string_enum};
use crate::typed::typed_dict;
use enrollkit_diagnostic::Secret;

bitflags::bitflags! {
    /// `AccessRights` of the MDM payload: what the server may do on the device.
    ///
    /// Unknown bits are kept as read (`from_bits_retain`), so odd values survive a round trip.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct AccessRights: u32 {
        /// Inspect installed configuration profiles.
        const INSPECT_PROFILES = 1;
        /// Install and remove configuration profiles (needs `INSPECT_PROFILES`).
        const INSTALL_PROFILES = 2;
        /// Device lock and passcode removal.
        const DEVICE_LOCK = 4;
        /// Device erase.
        const DEVICE_ERASE = 8;
        /// Query device information.
        const QUERY_DEVICE_INFO = 16;
        /// Query network information.
        const QUERY_NETWORK_INFO = 32;
        /// Inspect provisioning profiles.
        const INSPECT_PROVISIONING_PROFILES = 64;
        /// Install and remove provisioning profiles (needs `INSPECT_PROVISIONING_PROFILES`).
        const INSTALL_PROVISIONING_PROFILES = 128;
        /// Inspect installed apps.
        const INSPECT_APPS = 256;
        /// Restriction-related queries.
        const RESTRICTION_QUERIES = 512;
        /// Security-related queries.
        const SECURITY_QUERIES = 1024;
        /// Change device settings.
        const CHANGE_SETTINGS = 2048;
        /// App management.
        const APP_MANAGEMENT = 4096;
    }
}

impl AccessRights {
    /// Every right: 8191, the usual value for device enrollment.
    pub const FULL: AccessRights = AccessRights::all();
}

impl PlistField for AccessRights {
    fn from_plist(value: &plist::Value) -> Option<Self> {
        let raw = match value {
            plist::Value::Integer(i) => i.as_unsigned()?,
            _ => return None,
        };
        u32::try_from(raw).ok().map(AccessRights::from_bits_retain)
    }
    fn to_plist(&self) -> plist::Value {
        plist::Value::Integer(u64::from(self.bits()).into())
    }
}

string_enum! {
    /// `EnrollmentMode` of an account-driven enrollment.
    pub enum EnrollmentMode {
        /// Account-driven User Enrollment.
        Byod = "BYOD",
        /// Account-driven Device Enrollment.
        Adde = "ADDE",
    }
}

string_enum! {
    /// One entry of `ServerCapabilities`.
    pub enum ServerCapability {
        /// The server supports the user channel (required on macOS and Shared iPad).
        PerUserConnections = "com.apple.mdm.per-user-connections",
        /// The server supports Bootstrap Token (macOS 11+).
        BootstrapToken = "com.apple.mdm.bootstraptoken",
        /// The server supports the `GetToken` check-in.
        Token = "com.apple.mdm.token",
    }
}

string_enum! {
    /// `Type` of an Extensible SSO payload.
    pub enum SsoType {
        /// Redirect extension (OAuth/SAML identity providers).
        Redirect = "Redirect",
        /// Credential extension (challenge/response, Kerberos).
        Credential = "Credential",
    }
}

string_enum! {
    /// `Key Type` (SCEP) and `KeyType` (ACME).
    pub enum KeyType {
        /// RSA.
        Rsa = "RSA",
        /// Elliptic curve (ACME only).
        EcSecPrimeRandom = "ECSECPrimeRandom",
    }
}

string_enum! {
    /// `EncryptionType` of a Wi-Fi payload.
    pub enum WifiEncryption {
        /// WEP.
        Wep = "WEP",
        /// WPA (WPA/WPA2 from iOS 16, macOS 13).
        Wpa = "WPA",
        /// WPA2 (WPA2/WPA3 from iOS 16, macOS 13).
        Wpa2 = "WPA2",
        /// WPA3 only.
        Wpa3 = "WPA3",
        /// Any (the default).
        Any = "Any",
        /// Open network.
        None = "None",
    }
}

/// An X.500 name in Apple's profile form: RDNs of `[OID or short name, value]` pairs.
pub type SubjectName = Vec<Vec<Vec<String>>>;

typed_dict! {
    /// `com.apple.mdm`: the MDM enrollment payload.
    ///
    /// ```
    /// use enrollkit_profile::{AccessRights, MdmPayload, ServerCapability};
    /// let mdm = MdmPayload::default()
    ///     .with_topic("com.apple.mgmt.External.1b2c")
    ///     .with_server_url("https://mdm.example.com/mdm")
    ///     .with_access_rights(AccessRights::FULL)
    ///     .with_server_capabilities(vec![ServerCapability::PerUserConnections]);
    /// assert_eq!(mdm.missing_required_fields(), vec!["IdentityCertificateUUID"]);
    /// ```
    payload MdmPayload {
        /// `PayloadUUID` of the identity payload (SCEP, ACME or PKCS#12) in the same profile.
        identity_certificate_uuid, with_identity_certificate_uuid: String = "IdentityCertificateUUID", required;
        /// APNs topic; starts with `com.apple.mgmt.`.
        topic, with_topic: String = "Topic", required;
        /// Where the device connects for commands (https).
        server_url, with_server_url: String = "ServerURL", required;
        /// Where check-in messages go (https); defaults to `ServerURL`.
        check_in_url, with_check_in_url: String = "CheckInURL", optional;
        /// Sign every device message with `Mdm-Signature`.
        sign_message, with_sign_message: bool = "SignMessage", optional;
        /// What the server may do.
        access_rights, with_access_rights: AccessRights = "AccessRights", optional;
        /// Use the development APNs environment.
        use_development_apns, with_use_development_apns: bool = "UseDevelopmentAPNS", optional;
        /// Profile-driven User Enrollment account (iOS 13.1–17, macOS 10.15–14).
        managed_apple_id, with_managed_apple_id: String = "ManagedAppleID", optional;
        /// Account-driven enrollment account.
        assigned_managed_apple_id, with_assigned_managed_apple_id: String = "AssignedManagedAppleID", optional;
        /// Account-driven enrollment mode.
        enrollment_mode, with_enrollment_mode: EnrollmentMode = "EnrollmentMode", optional;
        /// Certificate payload UUIDs pinned for `ServerURL`.
        server_url_pinning_certificate_uuids, with_server_url_pinning_certificate_uuids: Vec<String> = "ServerURLPinningCertificateUUIDs", optional;
        /// Certificate payload UUIDs pinned for `CheckInURL`.
        check_in_url_pinning_certificate_uuids, with_check_in_url_pinning_certificate_uuids: Vec<String> = "CheckInURLPinningCertificateUUIDs", optional;
        /// Fail unless revocation checking succeeds for pinned connections.
        pinning_revocation_check_required, with_pinning_revocation_check_required: bool = "PinningRevocationCheckRequired", optional;
        /// What the server supports.
        server_capabilities, with_server_capabilities: Vec<ServerCapability> = "ServerCapabilities", optional;
        /// Send `CheckOut` when the profile is removed.
        check_out_when_removed, with_check_out_when_removed: bool = "CheckOutWhenRemoved", optional;
        /// App Store ID installable without approval (account-driven, iOS 15.1).
        required_app_id_for_mdm, with_required_app_id_for_mdm: i64 = "RequiredAppIDForMDM", optional;
        /// macOS 11: prompt to allow Bootstrap Token for authentication.
        prompt_user_to_allow_bootstrap_token_for_authentication, with_prompt_user_to_allow_bootstrap_token_for_authentication: bool = "PromptUserToAllowBootstrapTokenForAuthentication", optional;
    }
}

typed_dict! {
    /// The nested `PayloadContent` dictionary of a SCEP payload.
    dict ScepContent {
        /// SCEP server URL.
        url, with_url: String = "URL", required;
        /// CA instance name.
        name, with_name: String = "Name", optional;
        /// Subject of the certificate request.
        subject, with_subject: SubjectName = "Subject", optional;
        /// Pre-shared challenge (secret).
        challenge, with_challenge: Secret = "Challenge", optional;
        /// Key size in bits: 1024, 2048 or 4096.
        keysize, with_keysize: i64 = "Keysize", optional;
        /// Key type; only RSA.
        key_type, with_key_type: KeyType = "Key Type", optional;
        /// Key usage bits: 1 signing, 4 encryption.
        key_usage, with_key_usage: i64 = "Key Usage", optional;
        /// Fingerprint of the CA certificate.
        ca_fingerprint, with_ca_fingerprint: Vec<u8> = "CAFingerprint", optional;
        /// Number of retries on PENDING.
        retries, with_retries: i64 = "Retries", optional;
        /// Seconds between retries.
        retry_delay, with_retry_delay: i64 = "RetryDelay", optional;
        /// Subject alternative names.
        subject_alt_name, with_subject_alt_name: Dictionary = "SubjectAltName", optional;
        /// macOS: whether the private key can be exported.
        key_is_extractable, with_key_is_extractable: bool = "KeyIsExtractable", optional;
        /// macOS: give every app access to the private key.
        allow_all_apps_access, with_allow_all_apps_access: bool = "AllowAllAppsAccess", optional;
    }
}

typed_dict! {
    /// `com.apple.security.scep`: device identity through SCEP.
    payload ScepPayload {
        /// The SCEP settings.
        content, with_content: ScepContent = "PayloadContent", required;
    }
}

typed_dict! {
    /// `com.apple.security.acme`: device identity through ACME (recommended by Apple).
    payload AcmePayload {
        /// ACME directory URL (https).
        directory_url, with_directory_url: String = "DirectoryURL", required;
        /// Client identifier (one-time token the server checks).
        client_identifier, with_client_identifier: String = "ClientIdentifier", required;
        /// Key size in bits.
        key_size, with_key_size: i64 = "KeySize", required;
        /// `RSA` or `ECSECPrimeRandom`.
        key_type, with_key_type: KeyType = "KeyType", required;
        /// Keep the key in the Secure Enclave.
        hardware_bound, with_hardware_bound: bool = "HardwareBound", required;
        /// Subject of the certificate.
        subject, with_subject: SubjectName = "Subject", required;
        /// Subject alternative names.
        subject_alt_name, with_subject_alt_name: Dictionary = "SubjectAltName", optional;
        /// Key usage bits: 1 signing, 4 encryption.
        usage_flags, with_usage_flags: i64 = "UsageFlags", optional;
        /// Extended key usage OIDs.
        extended_key_usage, with_extended_key_usage: Vec<String> = "ExtendedKeyUsage", optional;
        /// Ask for device attestation (needs `HardwareBound`).
        attest, with_attest: bool = "Attest", optional;
        /// macOS: whether the private key can be exported.
        key_is_extractable, with_key_is_extractable: bool = "KeyIsExtractable", optional;
        /// macOS: give every app access to the private key.
        allow_all_apps_access, with_allow_all_apps_access: bool = "AllowAllAppsAccess", optional;
    }
}

typed_dict! {
    /// `com.apple.security.pkcs12`: an identity shipped as a PKCS#12 file.
    payload Pkcs12Payload {
        /// The PKCS#12 bytes.
        content, with_content: Vec<u8> = "PayloadContent", required;
        /// Password of the PKCS#12 file (secret; only obfuscated in an unencrypted profile).
        password, with_password: Secret = "Password", optional;
        /// File name shown to the user.
        certificate_file_name, with_certificate_file_name: String = "PayloadCertificateFileName", optional;
        /// macOS: give every app access to the private key.
        allow_all_apps_access, with_allow_all_apps_access: bool = "AllowAllAppsAccess", optional;
        /// macOS: whether the private key can be exported.
        key_is_extractable, with_key_is_extractable: bool = "KeyIsExtractable", optional;
    }
}

typed_dict! {
    /// Certificate payloads: `com.apple.security.root`, `.pkcs1` (DER) and `.pem`.
    payload CertificatePayload {
        /// The certificate (DER, or PEM text as data for `.pem`).
        content, with_content: Vec<u8> = "PayloadContent", required;
        /// File name shown to the user.
        certificate_file_name, with_certificate_file_name: String = "PayloadCertificateFileName", optional;
    }
}

typed_dict! {
    /// `com.apple.extensiblesso`: Extensible Single Sign-On (Redirect, Credential, Kerberos).
    payload ExtensibleSsoPayload {
        /// Bundle identifier of the SSO extension.
        extension_identifier, with_extension_identifier: String = "ExtensionIdentifier", required;
        /// Team identifier of the extension (required on macOS).
        team_identifier, with_team_identifier: String = "TeamIdentifier", optional;
        /// `Redirect` or `Credential`.
        sso_type, with_sso_type: SsoType = "Type", required;
        /// Realm (Credential).
        realm, with_realm: String = "Realm", optional;
        /// URL prefixes handled (Redirect).
        urls, with_urls: Vec<String> = "URLs", optional;
        /// Host names handled (Credential).
        hosts, with_hosts: Vec<String> = "Hosts", optional;
        /// Extension-specific settings, passed through.
        extension_data, with_extension_data: Dictionary = "ExtensionData", optional;
        /// `Cancel` or `DoNotHandle` while the screen is locked.
        screen_locked_behavior, with_screen_locked_behavior: String = "ScreenLockedBehavior", optional;
        /// Apps the extension must not serve.
        denied_bundle_identifiers, with_denied_bundle_identifiers: Vec<String> = "DeniedBundleIdentifiers", optional;
        /// macOS 13: authentication method (deprecated in 14).
        authentication_method, with_authentication_method: String = "AuthenticationMethod", optional;
        /// macOS 13: device registration token.
        registration_token, with_registration_token: Secret = "RegistrationToken", optional;
        /// macOS 14: Platform SSO settings.
        platform_sso, with_platform_sso: Dictionary = "PlatformSSO", optional;
    }
}

/// Bundle identifier of Apple's built-in Kerberos SSO extension.
pub const KERBEROS_EXTENSION_IDENTIFIER: &str = "com.apple.AppSSOKerberos.KerberosExtension";

/// Which flavour of Extensible SSO a payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoVariant {
    /// A Redirect extension.
    Redirect,
    /// A Credential extension other than Kerberos.
    Credential,
    /// Apple's built-in Kerberos extension.
    Kerberos,
    /// `Type` missing or unknown.
    Unknown,
}

impl ExtensibleSsoPayload {
    /// Redirect, Credential or Kerberos, from `Type` and `ExtensionIdentifier`.
    pub fn variant(&self) -> SsoVariant {
        match (&self.sso_type, self.extension_identifier.as_deref()) {
            (Some(SsoType::Credential), Some(KERBEROS_EXTENSION_IDENTIFIER)) => {
                SsoVariant::Kerberos
            }
            (Some(SsoType::Credential), _) => SsoVariant::Credential,
            (Some(SsoType::Redirect), _) => SsoVariant::Redirect,
            _ => SsoVariant::Unknown,
        }
    }

    /// A Kerberos payload with Apple's fixed identifiers filled in.
    pub fn kerberos(realm: impl Into<String>) -> Self {
        ExtensibleSsoPayload::default()
            .with_extension_identifier(KERBEROS_EXTENSION_IDENTIFIER)
            .with_team_identifier("apple")
            .with_sso_type(SsoType::Credential)
            .with_realm(realm)
    }
}

typed_dict! {
    /// `com.apple.loginwindow` (macOS): login-window text and behaviour.
    payload LoginWindowPayload {
        /// Text shown in the login window.
        loginwindow_text, with_loginwindow_text: String = "LoginwindowText", optional;
        /// Show name and password fields instead of a user list.
        show_full_name, with_show_full_name: bool = "SHOWFULLNAME", optional;
        /// Hide local users.
        hide_local_users, with_hide_local_users: bool = "HideLocalUsers", optional;
        /// Hide admin users.
        hide_admin_users, with_hide_admin_users: bool = "HideAdminUsers", optional;
        /// Include network users.
        include_network_user, with_include_network_user: bool = "IncludeNetworkUser", optional;
        /// Show "Other…" for managed users.
        show_other_users_managed, with_show_other_users_managed: bool = "SHOWOTHERUSERS_MANAGED", optional;
        /// Host information shown when the clock is clicked.
        admin_host_info, with_admin_host_info: String = "AdminHostInfo", optional;
        /// Users or groups allowed to log in (GUIDs).
        allow_list, with_allow_list: Vec<String> = "AllowList", optional;
        /// Users or groups denied login (GUIDs); wins over `AllowList`.
        deny_list, with_deny_list: Vec<String> = "DenyList", optional;
        /// Hide the Shut Down button.
        shut_down_disabled, with_shut_down_disabled: bool = "ShutDownDisabled", optional;
        /// Hide the Restart button.
        restart_disabled, with_restart_disabled: bool = "RestartDisabled", optional;
        /// Hide the Sleep button.
        sleep_disabled, with_sleep_disabled: bool = "SleepDisabled", optional;
        /// Disable `>console` login.
        disable_console_access, with_disable_console_access: bool = "DisableConsoleAccess", optional;
    }
}

typed_dict! {
    /// `com.apple.wifi.managed`: a Wi-Fi network.
    payload WifiPayload {
        /// Network name.
        ssid, with_ssid: String = "SSID_STR", optional;
        /// The network does not broadcast its SSID.
        hidden_network, with_hidden_network: bool = "HIDDEN_NETWORK", optional;
        /// Join automatically (default true).
        auto_join, with_auto_join: bool = "AutoJoin", optional;
        /// Security type.
        encryption_type, with_encryption_type: WifiEncryption = "EncryptionType", optional;
        /// Pre-shared key (secret).
        password, with_password: Secret = "Password", optional;
        /// Client identity payload UUID in the same profile.
        payload_certificate_uuid, with_payload_certificate_uuid: String = "PayloadCertificateUUID", optional;
        /// Enterprise (EAP) settings.
        eap_client_configuration, with_eap_client_configuration: Dictionary = "EAPClientConfiguration", optional;
        /// Hotspot 2.0 network.
        is_hotspot, with_is_hotspot: bool = "IsHotspot", optional;
        /// Hotspot 2.0 domain name.
        domain_name, with_domain_name: String = "DomainName", optional;
        /// Bypass the captive portal.
        captive_bypass, with_captive_bypass: bool = "CaptiveBypass", optional;
        /// Proxy type: None, Manual or Auto.
        proxy_type, with_proxy_type: String = "ProxyType", optional;
    }
}

typed_dict! {
    /// Any other payload type, kept exactly as read.
    payload GenericPayload {}
}
