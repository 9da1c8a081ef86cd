//! Reading typed fields out of a plist dictionary, for the generated message types.
//!
//! A getter takes its key out of the dictionary, so what is left at the end ([`Fields::rest`])
//! is exactly the keys the schema does not name: they are kept, not dropped.

use plist::{Date, Dictionary, Value};

/// A key the message needs is missing, or a key has the wrong plist type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A required key is absent.
    #[error("{path} is required but missing")]
    Missing {
        /// `Message.Key`, with nested dictionaries spelled out (`ReturnToService.ReturnToService.Enabled`).
        path: String,
    },
    /// A key holds another plist type than the schema's.
    #[error("{path} must be {expected}, not {found}")]
    WrongType {
        /// `Message.Key`.
        path: String,
        /// The schema's type.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
}

impl FieldError {
    /// The key path the error is about.
    pub fn path(&self) -> &str {
        match self {
            FieldError::Missing { path } | FieldError::WrongType { path, .. } => path,
        }
    }

    /// An error of a nested record, re-rooted under the parent key that holds it.
    fn under(self, parent: &str, child_name: &str) -> FieldError {
        let reroot = |path: String| match path.strip_prefix(child_name) {
            Some(rest) => format!("{parent}{rest}"),
            None => format!("{parent}.{path}"),
        };
        match self {
            FieldError::Missing { path } => FieldError::Missing { path: reroot(path) },
            FieldError::WrongType {
                path,
                expected,
                found,
            } => FieldError::WrongType {
                path: reroot(path),
                expected,
                found,
            },
        }
    }
}

/// The identity keys a check-in message carries (borrowed from the message).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentityKeys<'a> {
    /// `UDID`: the device, under device enrollment.
    pub udid: Option<&'a str>,
    /// `EnrollmentID`: the device, under User Enrollment.
    pub enrollment_id: Option<&'a str>,
    /// `EnrollmentUserID`: the user channel, under User Enrollment.
    pub enrollment_user_id: Option<&'a str>,
    /// `UserID`: the user channel, under device enrollment (macOS, Shared iPad).
    pub user_id: Option<&'a str>,
    /// `UserShortName`.
    pub user_short_name: Option<&'a str>,
    /// `UserLongName`.
    pub user_long_name: Option<&'a str>,
}

/// A generated type that reads from and writes to a plist dictionary.
pub trait Record: Sized {
    /// The type's name, the first element of its error paths.
    const NAME: &'static str;
    /// Reads the keys the type knows; the others stay in its `extra`.
    fn read(dict: Dictionary) -> Result<Self, FieldError>;
    /// Writes the known keys, then the `extra` ones.
    fn write(&self) -> Dictionary;
}

/// A value the generated code can put into a dictionary.
pub trait ToValue {
    /// The plist value.
    fn to_value(&self) -> Value;
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Boolean(*self)
    }
}
impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Integer((*self).into())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Data(self.clone())
    }
}
impl ToValue for Date {
    fn to_value(&self) -> Value {
        Value::Date(*self)
    }
}
impl ToValue for Dictionary {
    fn to_value(&self) -> Value {
        Value::Dictionary(self.clone())
    }
}
impl ToValue for Vec<Value> {
    fn to_value(&self) -> Value {
        Value::Array(self.clone())
    }
}
impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl<T: Record> ToValue for T {
    fn to_value(&self) -> Value {
        Value::Dictionary(self.write())
    }
}

/// Puts a required field.
pub fn put(d: &mut Dictionary, key: &str, value: &impl ToValue) {
    d.insert(key.to_owned(), value.to_value());
}

/// Puts an optional field when it is present.
pub fn put_opt(d: &mut Dictionary, key: &str, value: &Option<impl ToValue>) {
    if let Some(v) = value {
        put(d, key, v);
    }
}

/// The plist type name used in messages.
pub(crate) use enrollkit_profile::kind_name as type_name;

/// The dictionary being read, and the name errors start with.
pub(crate) struct Fields {
    dict: Dictionary,
    name: &'static str,
}

macro_rules! getters {
    ($( $req:ident, $opt:ident, $ty:ty, $expected:literal, $pat:pat => $out:expr; )*) => {
        $(
            #[doc = concat!("A required ", $expected, ".")]
            pub fn $req(&mut self, key: &str) -> Result<$ty, FieldError> {
                match self.$opt(key)? {
                    Some(v) => Ok(v),
                    None => Err(self.missing(key)),
                }
            }

            #[doc = concat!("An optional ", $expected, ".")]
            pub fn $opt(&mut self, key: &str) -> Result<Option<$ty>, FieldError> {
                match self.dict.remove(key) {
                    None => Ok(None),
                    Some($pat) => Ok(Some($out)),
                    Some(other) => Err(self.wrong(key, $expected, &other)),
                }
            }
        )*
    };
}

#[allow(
    dead_code,
    reason = "a getter per schema type; the generated code uses the ones its schema needs"
)]
impl Fields {
    /// Starts reading `dict` for the type `name`.
    pub fn new(dict: Dictionary, name: &'static str) -> Self {
        Fields { dict, name }
    }

    fn missing(&self, key: &str) -> FieldError {
        FieldError::Missing {
            path: format!("{}.{key}", self.name),
        }
    }

    fn wrong(&self, key: &str, expected: &'static str, found: &Value) -> FieldError {
        FieldError::WrongType {
            path: format!("{}.{key}", self.name),
            expected,
            found: type_name(found),
        }
    }

    getters! {
        req_string, opt_string, String, "a string", Value::String(s) => s;
        req_bool, opt_bool, bool, "a boolean", Value::Boolean(b) => b;
        req_data, opt_data, Vec<u8>, "data", Value::Data(d) => d;
        req_date, opt_date, Date, "a date", Value::Date(d) => d;
        req_dictionary, opt_dictionary, Dictionary, "a dictionary", Value::Dictionary(d) => d;
        req_array, opt_array, Vec<Value>, "an array", Value::Array(a) => a;
    }

    /// A required integer (within i64).
    pub fn req_integer(&mut self, key: &str) -> Result<i64, FieldError> {
        match self.opt_integer(key)? {
            Some(v) => Ok(v),
            None => Err(self.missing(key)),
        }
    }

    /// An optional integer (within i64).
    pub fn opt_integer(&mut self, key: &str) -> Result<Option<i64>, FieldError> {
        match self.dict.remove(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => match i.as_signed() {
                Some(v) => Ok(Some(v)),
                None => Err(FieldError::WrongType {
                    path: format!("{}.{key}", self.name),
                    expected: "an integer within 64-bit signed range",
                    found: "a larger integer",
                }),
            },
            Some(other) => Err(self.wrong(key, "an integer", &other)),
        }
    }

    /// A value of any type.
    pub fn opt_any(&mut self, key: &str) -> Result<Option<Value>, FieldError> {
        Ok(self.dict.remove(key))
    }

    /// A required nested record.
    pub fn req_nested<T: Record>(&mut self, key: &str) -> Result<T, FieldError> {
        match self.opt_nested(key)? {
            Some(v) => Ok(v),
            None => Err(self.missing(key)),
        }
    }

    /// An optional nested record; its errors name the full path.
    pub fn opt_nested<T: Record>(&mut self, key: &str) -> Result<Option<T>, FieldError> {
        match self.dict.remove(key) {
            None => Ok(None),
            Some(Value::Dictionary(d)) => T::read(d)
                .map(Some)
                .map_err(|e| e.under(&format!("{}.{key}", self.name), T::NAME)),
            Some(other) => Err(self.wrong(key, "a dictionary", &other)),
        }
    }

    /// The keys no getter took, in input order.
    pub fn rest(self) -> Dictionary {
        self.dict
    }
}
