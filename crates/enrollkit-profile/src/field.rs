//! Conversions between plist values and typed fields.
//!
//! A typed field only takes a value of the exact plist type it expects; anything else
//! stays in the payload's `extra` dictionary untouched, which keeps the model lossless
//! and leaves type complaints to the linter.

use enrollkit_diagnostic::Secret;
use plist::{Date, Dictionary, Value};

/// A type that can live in a typed plist field.
pub trait PlistField: Sized {
    /// Converts from a plist value of exactly the right type, or `None`.
    fn from_plist(value: &Value) -> Option<Self>;
    /// Converts to a plist value.
    fn to_plist(&self) -> Value;
}

impl PlistField for String {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_string().map(str::to_owned)
    }
    fn to_plist(&self) -> Value {
        Value::String(self.clone())
    }
}

impl PlistField for bool {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_boolean()
    }
    fn to_plist(&self) -> Value {
        Value::Boolean(*self)
    }
}

impl PlistField for i64 {
    fn from_plist(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(i) => i.as_signed(),
            _ => None,
        }
    }
    fn to_plist(&self) -> Value {
        Value::Integer((*self).into())
    }
}

impl PlistField for f64 {
    fn from_plist(value: &Value) -> Option<Self> {
        match value {
            Value::Real(r) => Some(*r),
            _ => None,
        }
    }
    fn to_plist(&self) -> Value {
        Value::Real(*self)
    }
}

impl PlistField for Vec<u8> {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_data().map(<[u8]>::to_vec)
    }
    fn to_plist(&self) -> Value {
        Value::Data(self.clone())
    }
}

impl PlistField for Date {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_date()
    }
    fn to_plist(&self) -> Value {
        Value::Date(*self)
    }
}

impl PlistField for Dictionary {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_dictionary().cloned()
    }
    fn to_plist(&self) -> Value {
        Value::Dictionary(self.clone())
    }
}

impl PlistField for Value {
    fn from_plist(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
    fn to_plist(&self) -> Value {
        self.clone()
    }
}

/// Arrays convert only when every element converts.
impl<T: PlistField> PlistField for Vec<T> {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_array()?.iter().map(T::from_plist).collect()
    }
    fn to_plist(&self) -> Value {
        Value::Array(self.iter().map(T::to_plist).collect())
    }
}

/// Secrets (SCEP challenges, PKCS#12 and Wi-Fi passwords) are plist strings.
impl PlistField for Secret {
    fn from_plist(value: &Value) -> Option<Self> {
        value.as_string().map(Secret::new)
    }
    fn to_plist(&self) -> Value {
        Value::String(self.expose().to_owned())
    }
}

/// Takes `key` out of `extra` when it has the type `T` expects; otherwise leaves it there.
pub(crate) fn take<T: PlistField>(extra: &mut Dictionary, key: &str) -> Option<T> {
    let typed = extra.get(key).and_then(T::from_plist)?;
    extra.remove(key);
    Some(typed)
}

/// Puts an optional typed field into `dict`.
pub(crate) fn put<T: PlistField>(dict: &mut Dictionary, key: &str, value: &Option<T>) {
    if let Some(v) = value {
        dict.insert(key.to_owned(), v.to_plist());
    }
}

/// Re-orders `dict` so keys seen when reading come first, in their original order,
/// followed by keys added since, in insertion order.
pub(crate) fn reorder(mut dict: Dictionary, original_order: &[String]) -> Dictionary {
    if original_order.is_empty() {
        return dict;
    }
    let mut out = Dictionary::new();
    for key in original_order {
        if let Some(v) = dict.remove(key) {
            out.insert(key.clone(), v);
        }
    }
    for (k, v) in dict {
        out.insert(k, v);
    }
    out
}

/// Declares a string enum with known values and an `Other` catch-all, so unknown values
/// survive a round trip.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of enrollkit does not know; kept as written.
            Other(String),
        }

        impl $name {
            /// The plist string for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::field::PlistField for $name {
            fn from_plist(value: &plist::Value) -> Option<Self> {
                value.as_string().map($name::from)
            }
            fn to_plist(&self) -> plist::Value {
                plist::Value::String(self.as_str().to_owned())
            }
        }
    };
}
pub(crate) use string_enum;
