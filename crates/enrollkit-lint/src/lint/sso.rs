//! Extensible SSO rules (SSO).

use super::*;

impl Linter<'_> {
    pub(super) fn sso(&mut self, d: &Dictionary) {
        match get_str(d, "Type") {
            Some("Redirect") => {
                let urls = d.get("URLs").and_then(Value::as_array);
                if urls.is_none_or(|u| u.is_empty()) {
                    self.emit(
                        rules::SSO001,
                        self.loc("URLs"),
                        "a Redirect extension has no URLs".to_owned(),
                    );
                }
                for (i, url) in urls.into_iter().flatten().enumerate() {
                    let Some(url) = url.as_string() else { continue };
                    if let Some(problem) = sso_url_problem(url) {
                        self.emit(
                            rules::SSO002,
                            self.loc(&format!("URLs[{i}]")),
                            format!("URL {url:?} {problem}"),
                        );
                    }
                }
            }
            Some("Credential") => {
                let hosts = d.get("Hosts").and_then(Value::as_array);
                if hosts.is_none_or(|h| h.is_empty()) {
                    self.emit(
                        rules::SSO003,
                        self.loc("Hosts"),
                        "a Credential extension has no Hosts".to_owned(),
                    );
                }
            }
            _ => {}
        }
        let kerberos = get_str(d, "ExtensionIdentifier") == Some(KERBEROS_EXTENSION);
        if self.ctx.platform == Platform::MacOs && !kerberos && !d.contains_key("TeamIdentifier") {
            self.emit(
                rules::SSO004,
                self.loc("TeamIdentifier"),
                "TeamIdentifier is required on macOS".to_owned(),
            );
        }
    }
}

/// The string elements of the array at `key`, with their indices.
pub(super) fn strings<'a>(
    d: &'a Dictionary,
    key: &str,
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    d.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| v.as_string().map(|s| (i, s)))
}
/// Lowercases scheme and host of an SSO URL prefix (paths stay case-sensitive).
pub fn normalize_sso_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => url.to_owned(),
    }
}
pub(super) fn sso_url_problem(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        Some("is not an http:// or https:// URL")
    } else if url.contains('?') {
        Some("has a query")
    } else if url.contains('#') {
        Some("has a fragment")
    } else {
        None
    }
}
