//! CMS: signing identities, signing, encryption and decryption errors (`CMS0xx`), and the
//! reasons behind a verification verdict (`CMS1xx`).

crate::declare_codes! {
    area: Cms;
    // Errors, and structural verdict reasons
    MALFORMED = "CMS001", Error,
        "The input is not parseable DER or BER CMS.",
        "The device shows a profile it cannot parse as invalid.",
        "Supply a DER or BER CMS SignedData message (a signed .mobileconfig).";
    TOO_LARGE = "CMS002", Error,
        "The input is over the CMS size limit.",
        "The limit bounds memory and time spent on a hostile message.",
        "Check that the input really is a signed profile; it is over the size limit.";
    UNEXPECTED_CONTENT_TYPE = "CMS003", Error,
        "The ContentInfo is not SignedData (or EnvelopedData where that is expected).",
        "",
        "Supply a DER or BER CMS SignedData message (a signed .mobileconfig).";
    DETACHED = "CMS004", Error,
        "The SignedData carries no content (a detached signature) where attached content is needed.",
        "A signed profile carries the profile inside the signature; a detached one cannot be installed.",
        "Re-sign with the content attached (openssl cms -sign -nodetach -binary).";
    NOT_ID_DATA = "CMS005", Error,
        "The encapsulated content type is not id-data.",
        "Profiles are signed as plain data.",
        "Supply a DER or BER CMS SignedData message (a signed .mobileconfig).";
    BAD_KEY = "CMS006", Error,
        "The private key cannot be read.",
        "",
        "Supply an unencrypted PKCS#8, PKCS#1 or SEC1 private key (PEM or DER), P-256, P-384 or RSA 2048-4096.";
    BAD_CERTIFICATE = "CMS007", Error,
        "A certificate cannot be read, or is inconsistent.",
        "",
        "Supply X.509 certificates in PEM or DER form.";
    KEY_CERT_MISMATCH = "CMS008", Error,
        "The private key does not belong to the signer certificate.",
        "",
        "Use the certificate that belongs to the private key.";
    PKCS12 = "CMS009", Error,
        "The PKCS#12 file cannot be opened (wrong password, unsupported algorithm, or no key or certificate).",
        "",
        "Check the PKCS#12 file and its password.";
    UNSUPPORTED = "CMS010", Error,
        "An unsupported key, curve, size or structure.",
        "",
        "Use RSA (2048-4096) or ECDSA P-256/P-384 with SHA-256/384/512.";
    SIGNING_FAILED = "CMS011", Error,
        "The signing operation failed.",
        "",
        "Check the signing key or external signer and try again.";
    BAD_TIME = "CMS012", Error,
        "The signing time is outside what CMS can encode.",
        "",
        "Pass a signing time between 1950 and 9999.";
    ENCRYPTION_FAILED = "CMS013", Error,
        "The profile could not be encrypted to the recipient.",
        "",
        "Encrypt to an RSA recipient certificate.";
    DECRYPTION_FAILED = "CMS014", Error,
        "The encrypted content could not be decrypted with the key given.",
        "",
        "Decrypt with the private key of the certificate the profile was encrypted to.";
    ENCODING_FAILED = "CMS015", Error,
        "The CMS structure could not be encoded.",
        "",
        "Report this as a bug with the input that caused it.";
    TOO_MANY_CERTIFICATES = "CMS016", Error,
        "The SignedData carries more certificates than the limit.",
        "A profile's signature carries its signer and a few intermediates; thousands of certificates only make verification slow.",
        "Sign with the signer certificate and its intermediates only.";
    TOO_MANY_RECIPIENTS = "CMS017", Error,
        "The EnvelopedData has more recipients than the limit.",
        "An encrypted profile is encrypted to one device; thousands of recipients only make decryption slow.",
        "Encrypt the profile to the device's identity certificate only.";
    // Verdict reasons
    NO_SIGNER = "CMS101", Error,
        "The SignedData has no SignerInfo.",
        "A device shows such a profile as invalid.",
        "Sign the profile with one signer.";
    MULTIPLE_SIGNERS = "CMS102", Error,
        "The SignedData has more than one SignerInfo.",
        "enrollkit judges one signer, as devices show one signer; several are treated as tampering.",
        "Sign the profile with one signer.";
    BAD_VERSION = "CMS103", Error,
        "A version field is inconsistent with RFC 5652.",
        "",
        "Re-sign the profile with a conforming CMS implementation.";
    BAD_DIGEST_ALGORITHMS = "CMS104", Error,
        "The digestAlgorithms set does not match the signer's digest algorithm.",
        "",
        "Re-sign the profile with a conforming CMS implementation.";
    BAD_ATTRIBUTES = "CMS105", Error,
        "The signed attributes are missing, repeated or malformed.",
        "content-type and message-digest must each appear once (RFC 5652 section 11).",
        "Re-sign the profile with a conforming CMS implementation.";
    UNSUPPORTED_ALGORITHM = "CMS106", Error,
        "A digest or signature algorithm is not accepted (SHA-1 is not).",
        "",
        "Re-sign with SHA-256 or stronger and RSA or ECDSA.";
    CONTENT_TYPE_MISMATCH = "CMS107", Error,
        "The content-type attribute differs from the encapsulated content type.",
        "RFC 5652 section 11.1 requires them to be equal.",
        "Re-sign the profile with a conforming CMS implementation.";
    DIGEST_MISMATCH = "CMS108", Error,
        "The content's digest differs from the signed message-digest: the content was modified.",
        "The device shows the profile as invalid.",
        "Re-sign the modified profile, or restore the original bytes.";
    BAD_SIGNATURE = "CMS109", Error,
        "The signature does not verify with the signer certificate's key.",
        "The device shows the profile as invalid.",
        "Re-sign the profile; a changed signed attribute or certificate breaks the signature.";
    SIGNER_CERTIFICATE_MISSING = "CMS110", Error,
        "The signer certificate is not in the message.",
        "The device cannot tell who signed and shows the profile as not verified.",
        "Sign again including the signer certificate (and its intermediates).";
    EXPIRED = "CMS111", Error,
        "A certificate of the chain has expired at the evaluation time.",
        "The device shows the profile as not verified.",
        "Re-sign with a valid certificate, or check the device clock.";
    NOT_YET_VALID = "CMS112", Error,
        "A certificate of the chain is not yet valid at the evaluation time.",
        "The device shows the profile as not verified.",
        "Check the device clock, or wait until the certificate becomes valid.";
    KEY_USAGE = "CMS113", Error,
        "The signer certificate's key usage excludes digitalSignature and nonRepudiation.",
        "The device does not accept the certificate for signing.",
        "Sign with a certificate whose key usage allows digital signatures.";
    UNTRUSTED = "CMS114", Error,
        "The signer does not chain to a trusted anchor within the chain-length bound.",
        "The device shows the profile as not verified.",
        "Trust the issuing root on the device, or sign with a certificate from a trusted CA.";
}
