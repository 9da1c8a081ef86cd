//! Building responses and reading requests on the `http` crate's types.

use http::{HeaderValue, StatusCode, header};

/// A response with a status, a content type and a body.
pub(crate) fn response(
    status: StatusCode,
    content_type: &str,
    body: Vec<u8>,
) -> http::Response<Vec<u8>> {
    let mut r = http::Response::new(body);
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
