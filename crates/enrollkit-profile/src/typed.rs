//! The macro behind every typed dictionary: profile, payloads and nested dictionaries.
//!
//! Each generated struct has one `Option` field per known key, an `extra` dictionary for
//! every other key (and for known keys whose value had an unexpected type), and the key
//! order seen when reading, so writing reproduces the input.

use plist::Dictionary;

use crate::field::{put, take};

/// Keys every payload has (`CommonPayloadKeys` in Apple's schema).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommonKeys {
    /// `PayloadType`, e.g. `com.apple.mdm`.
    pub payload_type: Option<String>,
    /// `PayloadVersion`; Apple requires 1.
    pub payload_version: Option<i64>,
    /// `PayloadIdentifier`, unique within the profile.
    pub payload_identifier: Option<String>,
    /// `PayloadUUID`, globally unique.
    pub payload_uuid: Option<String>,
    /// `PayloadDisplayName`.
    pub payload_display_name: Option<String>,
    /// `PayloadDescription`.
    pub payload_description: Option<String>,
    /// `PayloadOrganization`.
    pub payload_organization: Option<String>,
}

impl CommonKeys {
    pub(crate) fn take_from(extra: &mut Dictionary) -> Self {
        CommonKeys {
            payload_type: take(extra, "PayloadType"),
            payload_version: take(extra, "PayloadVersion"),
            payload_identifier: take(extra, "PayloadIdentifier"),
            payload_uuid: take(extra, "PayloadUUID"),
            payload_display_name: take(extra, "PayloadDisplayName"),
            payload_description: take(extra, "PayloadDescription"),
            payload_organization: take(extra, "PayloadOrganization"),
        }
    }

    pub(crate) fn put_into(&self, dict: &mut Dictionary) {
        put(dict, "PayloadType", &self.payload_type);
        put(dict, "PayloadVersion", &self.payload_version);
        put(dict, "PayloadIdentifier", &self.payload_identifier);
        put(dict, "PayloadUUID", &self.payload_uuid);
        put(dict, "PayloadDisplayName", &self.payload_display_name);
        put(dict, "PayloadDescription", &self.payload_description);
        put(dict, "PayloadOrganization", &self.payload_organization);
    }

    /// Required common keys that are absent.
    pub fn missing_required(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.payload_type.is_none() {
            missing.push("PayloadType");
        }
        if self.payload_version.is_none() {
            missing.push("PayloadVersion");
        }
        if self.payload_identifier.is_none() {
            missing.push("PayloadIdentifier");
        }
        if self.payload_uuid.is_none() {
            missing.push("PayloadUUID");
        }
        missing
    }
}

/// Generates a lossless typed dictionary. `payload` structs also carry [`CommonKeys`].
macro_rules! typed_dict {
    (@fields $(#[$meta:meta])* $name:ident [$($common:tt)*] {
        $( $(#[$fmeta:meta])* $field:ident, $setter:ident : $ty:ty = $key:literal, $presence:ident; )*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $($common)*
            $( $(#[$fmeta])* #[doc = concat!("\n\nPlist key `", $key, "` (", stringify!($presence), ").")] pub $field: Option<$ty>, )*
            /// Every other key, and known keys whose value had an unexpected type, as read.
            pub extra: plist::Dictionary,
            key_order: $crate::typed::KeyOrder,
        }

        impl $name {
            /// The plist keys this type knows, with whether each is required.
            pub const KEYS: &'static [(&'static str, bool)] =
                &[ $( ($key, $crate::typed::is_required(stringify!($presence))), )* ];

            $(
                #[doc = concat!("Sets `", $key, "`.")]
                pub fn $setter(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*

            /// Required keys of this type that are absent.
            #[allow(unused_mut)]
            pub fn missing_required_fields(&self) -> Vec<&'static str> {
                let mut missing = Vec::new();
                $( if $crate::typed::is_required(stringify!($presence)) && self.$field.is_none() {
                    missing.push($key);
                } )*
                missing
            }

            // Payload structs also have `common`, filled in by the caller.
            #[allow(clippy::needless_update)]
            fn take_fields(extra: &mut plist::Dictionary, key_order: $crate::typed::KeyOrder) -> Self {
                $( let $field = $crate::field::take(extra, $key); )*
                $name { $( $field, )* extra: std::mem::take(extra), key_order, ..Default::default() }
            }

            #[allow(unused_variables)]
            fn put_fields(&self, dict: &mut plist::Dictionary) {
                $( $crate::field::put(dict, $key, &self.$field); )*
            }
        }
    };

    (
        $(#[$meta:meta])*
        dict $name:ident { $($body:tt)* }
    ) => {
        typed_dict!(@fields $(#[$meta])* $name [] { $($body)* });

        impl $name {
            /// Reads from a dictionary; never fails, never loses a key.
            pub fn from_dictionary(dict: plist::Dictionary) -> Self {
                let key_order = $crate::typed::KeyOrder(dict.keys().cloned().collect());
                let mut extra = dict;
                Self::take_fields(&mut extra, key_order)
            }

            /// Writes back to a dictionary, in the original key order.
            pub fn to_dictionary(&self) -> plist::Dictionary {
                let mut dict = self.extra.clone();
                self.put_fields(&mut dict);
                $crate::field::reorder(dict, &self.key_order.0)
            }
        }

        impl $crate::field::PlistField for $name {
            fn from_plist(value: &plist::Value) -> Option<Self> {
                value.as_dictionary().map(|d| $name::from_dictionary(d.clone()))
            }
            fn to_plist(&self) -> plist::Value {
                plist::Value::Dictionary(self.to_dictionary())
            }
        }
    };

    (
        $(#[$meta:meta])*
        payload $name:ident { $($body:tt)* }
    ) => {
        typed_dict!(@fields $(#[$meta])* $name [
            /// `PayloadType`, `PayloadUUID` and the other keys every payload has.
            pub common: $crate::typed::CommonKeys,
        ] { $($body)* });

        impl $name {
            /// Reads from a payload dictionary; never fails, never loses a key.
            pub fn from_dictionary(dict: plist::Dictionary) -> Self {
                let key_order = $crate::typed::KeyOrder(dict.keys().cloned().collect());
                let mut extra = dict;
                let common = $crate::typed::CommonKeys::take_from(&mut extra);
                let mut typed = Self::take_fields(&mut extra, key_order);
                typed.common = common;
                typed
            }

            /// Writes back to a dictionary, in the original key order.
            pub fn to_dictionary(&self) -> plist::Dictionary {
                let mut dict = self.extra.clone();
                self.common.put_into(&mut dict);
                self.put_fields(&mut dict);
                $crate::field::reorder(dict, &self.key_order.0)
            }
        }
    };
}
pub(crate) use typed_dict;

/// `required` in a `typed_dict!` field list; anything else (`optional`) is not.
pub(crate) const fn is_required(presence: &str) -> bool {
    let p = presence.as_bytes();
    p.len() == 8 && p[0] == b'r'
}

/// The key order seen when reading. It decides how a value is written, not what it is, so
/// it never makes two values unequal.
#[derive(Debug, Clone, Default)]
pub struct KeyOrder(pub(crate) Vec<String>);

impl PartialEq for KeyOrder {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
