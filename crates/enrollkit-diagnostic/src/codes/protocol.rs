//! The enrollment protocol engine: requests a device or browser sends, and the profiles the
//! engine builds for them. Every request error carries the HTTP status the engine answers
//! with (4xx for the request, 5xx only for the server's own configuration or profile).

crate::declare_codes! {
    area: Protocol;
    BODY_TOO_LARGE = "PROT001", Error,
        "The request body is larger than the limit for its endpoint (HTTP 413).",
        "The body is refused before it is parsed, so a huge or endless body cannot exhaust memory.",
        "Send the device's message unchanged; raise the endpoint limit in the engine settings only for a known need.";
    MALFORMED_BODY = "PROT002", Error,
        "The request body is not a well-formed property list of the expected shape (HTTP 400).",
        "",
        "Send the message as an XML or binary plist whose root is a dictionary.";
    UNKNOWN_MESSAGE_TYPE = "PROT003", Error,
        "The check-in has no MessageType, or one Apple's schema does not define (HTTP 400).",
        "",
        "Send one of the check-in messages of mdm/checkin (Authenticate, TokenUpdate, CheckOut, ...).";
    INVALID_FIELD = "PROT004", Error,
        "A key the message needs is missing or has the wrong plist type (HTTP 400).",
        "",
        "Fix the key named in the message; types follow Apple's schema.";
    DEVICE_ID_MISMATCH = "PROT005", Error,
        "The check-in names its device the wrong way for its enrollment: UDID under device enrollment, EnrollmentID under User Enrollment (HTTP 400).",
        "A server that accepted both would let one enrollment be addressed as another.",
        "Send the identifier of the enrollment type the device is in, and only that one.";
    SIGNATURE_MISSING = "PROT006", Error,
        "The enrollment's MDM payload sets SignMessage, but the request carries no Mdm-Signature header (HTTP 403).",
        "",
        "Devices add the header themselves; a request without it did not come from the enrolled device.";
    SIGNATURE_INVALID = "PROT007", Error,
        "The Mdm-Signature or the signed body does not verify over the exact bytes received (HTTP 403).",
        "A body changed after signing, or a signature made over another body, is refused and changes nothing.",
        "Send the body the device signed, byte for byte, with its signature.";
    SIGNER_UNTRUSTED = "PROT008", Error,
        "The signature verifies but its signer does not chain to the trusted issuer (device-identity CA, or the device-attestation anchors) (HTTP 403).",
        "",
        "Configure the CA that issued the device identity (SCEP or ACME), or Apple's device CAs for signed device attributes.";
    UNKNOWN_ENROLLMENT = "PROT009", Error,
        "The request names no enrollment the server knows (HTTP 403, with com.apple.unrecognized.device for check-ins).",
        "",
        "Start a new enrollment; a device whose enrollment was removed must unenroll.";
    TOPIC_MISMATCH = "PROT010", Error,
        "The check-in's Topic is not the Topic of the profile served for this enrollment (HTTP 403).",
        "",
        "The Topic must equal the MDM payload's Topic (the APNs certificate topic).";
    DEVICE_MISMATCH = "PROT011", Error,
        "The check-in comes from another device or user than the one this enrollment recorded (HTTP 403).",
        "",
        "Each enrollment belongs to one UDID or EnrollmentID; enroll the other device on its own.";
    CHALLENGE_REJECTED = "PROT012", Error,
        "The enrollment challenge is unknown, already used or expired (HTTP 403).",
        "A challenge is single-use and bound to one enrollment, so a copied profile or a replayed request enrolls nothing.",
        "Download a fresh profile and install it; do not reuse an old one.";
    TOKEN_REJECTED = "PROT013", Error,
        "The bearer access token is missing, unknown, already used for another request, or belongs to another enrollment (HTTP 401).",
        "",
        "Authenticate again: the 401 carries the apple-as-web challenge that starts the sign-in.";
    WRONG_STATE = "PROT014", Error,
        "The enrollment is not in a state that accepts this request; nothing changed (HTTP 409).",
        "",
        "Follow the enrollment's steps in order; docs/flows.md shows each exchange.";
    NOT_FOUND = "PROT015", Error,
        "No endpoint of the engine serves this path (HTTP 404).",
        "",
        "Use the URLs the engine publishes in its profiles, .well-known document and portal.";
    METHOD_NOT_ALLOWED = "PROT016", Error,
        "The endpoint does not accept this HTTP method (HTTP 405).",
        "",
        "Use the method the endpoint documents (check-ins are PUT, the enrollment request is POST).";
    UNSUPPORTED_MEDIA_TYPE = "PROT017", Error,
        "The request's Content-Type is not the one the endpoint reads (HTTP 415).",
        "",
        "Send application/x-apple-aspen-mdm-checkin for check-ins and application/pkcs7-signature for signed device bodies.";
    BAD_REQUEST = "PROT018", Error,
        "A header or query parameter the endpoint needs is missing or malformed (HTTP 400).",
        "",
        "Fix the parameter named in the message.";
    SLOW_REQUEST = "PROT019", Error,
        "The client did not send its request body in time (HTTP 408).",
        "A body that trickles in holds a connection open; the server stops waiting and keeps nothing.",
        "Send the request again; a device on a slow network retries by itself.";
    SIGN_IN_STATE_MISMATCH = "PROT020", Error,
        "The sign-in callback's state is unknown, already used or expired (HTTP 400).",
        "The state ties the callback to the browser that started the sign-in; without it a sign-in could be injected (login CSRF).",
        "Start the sign-in again from the portal.";
    IDP_ERROR = "PROT021", Error,
        "The identity provider answered the sign-in with an error (HTTP 401).",
        "",
        "Read the IdP's error description; sign in again.";
    TOKEN_RESPONSE_INVALID = "PROT022", Error,
        "The identity provider's token response is not a valid OpenID Connect token response (HTTP 502).",
        "",
        "Check the IdP's token endpoint and the client credentials in the engine settings.";
    ID_TOKEN_INVALID = "PROT023", Error,
        "The ID token is malformed, uses an algorithm not allowed, or its signature does not verify against the IdP's keys (HTTP 401).",
        "",
        "Check that the JWKS passed in is the IdP's current one; sign in again.";
    ID_TOKEN_CLAIMS = "PROT024", Error,
        "The ID token's issuer, audience, expiry, issue time or nonce is not the one this sign-in expects (HTTP 401).",
        "A token minted for another client, another sign-in or an earlier time is refused.",
        "Sign in again; check the issuer and client ID in the engine settings and the server clock.";
    PSSO_REQUIRED = "PROT030", Info,
        "The Mac can set up Platform SSO during enrollment and policy requires it: answered 403 com.apple.psso.required (macOS 26).",
        "The Mac installs the Platform SSO extension and profile first, then retries the enrollment.",
        "Nothing; the Mac continues with Platform SSO.";
    WELL_KNOWN_FAILED = "PROT031", Error,
        "The account-driven discovery request names a domain or model family this server does not enroll (HTTP 403 com.apple.well-known.failed).",
        "",
        "Enter the work address of a domain the organisation manages, on a supported device.";
    PROFILE_REJECTED = "PROT050", Error,
        "The profile built for this enrollment would be rejected by the device, so it was not served (HTTP 500).",
        "Serving it would only move the failure to the device, after the user already started.",
        "Fix the engine's profile settings; the lint findings in the message name the keys.";
    SIGNING_FAILED = "PROT051", Error,
        "The profile built for this enrollment could not be signed or encrypted (HTTP 500).",
        "",
        "Check the server's signing identity and the device's encryption certificate.";
    CONFIGURATION = "PROT052", Error,
        "The engine settings are inconsistent (HTTP 500).",
        "",
        "Fix the setting named in the message.";
}
