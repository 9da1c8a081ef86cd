//! Loading a profile: XML, binary or CMS-signed, with the signer's certificates read (not
//! verified) from the container.

use enrollkit_diagnostic::codes;
use enrollkit_profile::plist::{Dictionary, Value};
use enrollkit_profile::{Profile, ReadOptions, SourceFormat};

use crate::Error;

/// The CMS container of a signed input, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The `ContentInfo` exactly as read (DER or BER).
    pub container: Vec<u8>,
    /// The signed content (the inner property list).
    pub content: Vec<u8>,
    /// DER certificates: the signer first when the container names it, then the others.
    /// Read, not verified: use [`crate::signing::verify`] for a verdict.
    pub signer_chain: Vec<Vec<u8>>,
}

/// A property list read from bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The value (a dictionary for a profile; a ProfileList answer or an array otherwise).
    pub value: Value,
    /// The encoding of the (inner) property list.
    pub format: SourceFormat,
    /// The container, when the input was signed.
    pub signed: Option<Signed>,
}

impl Loaded {
    /// The top-level dictionary, or `PRF007` naming what was found.
    pub fn dictionary(&self) -> Result<&Dictionary, Error> {
        self.value.as_dictionary().ok_or_else(|| {
            Error::invalid(
                codes::profile::NOT_A_DICTIONARY,
                "the top-level object is not a dictionary",
            )
        })
    }

    /// The profile model of the top-level dictionary.
    pub fn profile(&self) -> Result<Profile, Error> {
        Ok(Profile::from_dictionary(self.dictionary()?.clone()))
    }
}

/// Reads XML, binary or CMS-signed bytes within the default limits. A signed input keeps its
/// container and signer certificates; nothing is verified here.
///
/// ```
/// let loaded = enrollkit::load::load(b"<plist><dict><key>PayloadType</key><string>Configuration</string></dict></plist>")?;
/// assert!(loaded.signed.is_none());
/// assert_eq!(loaded.dictionary()?.len(), 1);
/// # Ok::<(), enrollkit::Error>(())
/// ```
pub fn load(bytes: &[u8]) -> Result<Loaded, Error> {
    load_with(bytes, &ReadOptions::default())
}

/// [`load`] with explicit limits.
pub fn load_with(bytes: &[u8], options: &ReadOptions) -> Result<Loaded, Error> {
    let read = enrollkit_profile::read_value(bytes, options)?;
    let signed = match read.signed {
        Some(container) => Some(Signed {
            signer_chain: enrollkit_cms::signer_certificates(&container.container)?,
            container: container.container,
            content: container.content,
        }),
        None => None,
    };
    Ok(Loaded {
        value: read.value,
        format: read.format,
        signed,
    })
}
