//! The pages a person sees: the portal (what to do next, the 8-minute countdown, the Settings
//! path on iOS 18 and later, what went wrong and what to do), and the read-only admin view.
//! Rendered on the server with maud, which escapes every value it interpolates.

use enrollkit::Code;
use enrollkit::diagnostic::codes::flow;
use enrollkit::protocol::engine::{Enrollment, PortalView};
use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = r#"
body { font: 16px/1.5 -apple-system, system-ui, "Segoe UI", sans-serif; margin: 0; background: #f4f5f7; color: #1d1d1f; }
header { background: #1d3557; color: #fff; padding: 18px 24px; font-weight: 600; letter-spacing: .02em; }
main { max-width: 640px; margin: 28px auto; background: #fff; border-radius: 14px; padding: 28px 32px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
h1 { font-size: 1.5em; margin-top: 0; }
.step { color: #555; text-transform: uppercase; font-size: .8em; letter-spacing: .08em; }
.button { display: inline-block; background: #0071e3; color: #fff; padding: 12px 22px; border-radius: 10px; text-decoration: none; font-weight: 600; }
.countdown { font-size: 2.4em; font-variant-numeric: tabular-nums; font-weight: 700; color: #0071e3; }
.expired { color: #c0392b; }
.path { background: #eef3fb; border-radius: 8px; padding: 10px 14px; font-weight: 600; }
.failure { border-left: 4px solid #c0392b; padding-left: 14px; }
details { margin-top: 28px; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
td, th { border-bottom: 1px solid #e5e5e5; padding: 6px 8px; text-align: left; }
code { font-size: .9em; }
"#;

const COUNTDOWN: &str = r#"
(function () {
  var el = document.getElementById('countdown');
  if (!el) return;
  var left = parseInt(el.getAttribute('data-seconds-left'), 10);
  function show() {
    if (left <= 0) { el.textContent = '0:00'; el.className = 'countdown expired';
      var note = document.getElementById('expired-note'); if (note) note.hidden = false; return; }
    el.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    left -= 1; setTimeout(show, 1000);
  }
  show();
})();
"#;

/// The four cases of the reference remediation matrix, shown on every portal page.
const TROUBLESHOOTING: [Code; 4] = [
    flow::PROFILE_EXPIRED,
    flow::PERSONAL_APPLE_ACCOUNT,
    flow::PAYLOAD_MISMATCH,
    flow::CONNECTION_FAILED,
];

fn layout(title: &str, organization: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (organization) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { (organization) " device enrollment" }
                main { (body) }
            }
        }
    }
}

fn troubleshooting() -> Markup {
    html! {
        details {
            summary { "Something went wrong?" }
            ul {
                @for code in TROUBLESHOOTING {
                    li { strong { (code.summary()) } " " (code.remediation()) }
                }
            }
        }
    }
}

/// The portal page for an enrollment's view.
pub fn portal(view: &PortalView, organization: &str) -> Markup {
    let body = match (view.state.as_str(), &view.install_window, &view.failure) {
        (_, _, Some(failure)) => html! {
            p.step { "Enrollment stopped" }
            h1 { (failure.summary) }
            div.failure { p { (failure.remediation) } }
            p { a.button href="/portal" { "Start again" } }
        },
        ("sent_to_settings", _, _) => html! {
            p.step { "Enroll in Settings" }
            h1 { "Sign in from Settings on this device" }
            p { "This device enrolls by signing in with your work account in Settings, not from this page." }
            p.path { "Settings > General > VPN & Device Management > Sign in to Work or School Account" }
            p { "Enter your work address there and sign in when asked." }
        },
        ("profile_pending", Some(window), _) => html! {
            p.step { "Step 2 of 2: install" }
            h1 { "Install the profile in Settings" }
            p { "Open " span.path { "Settings > General > VPN & Device Management" } " and install the downloaded profile before the time runs out:" }
            p #countdown.countdown data-seconds-left=(window.seconds_left) { (window.seconds_left / 60) ":" (format!("{:02}", window.seconds_left % 60)) }
            p #expired-note hidden[!window.expired] {
                "The profile has expired and was removed from the device. "
                @if let Some(url) = &view.download_url { a href=(url) { "Download a fresh profile" } }
                " and install it within 8 minutes."
            }
            script { (PreEscaped(COUNTDOWN)) }
        },
        (_, _, _) => html! {
            p.step { "Step 1 of 2: download" }
            h1 { "Download your enrollment profile" }
            p { (view.next_step) }
            @if let Some(url) = &view.download_url {
                p { a.button #download href=(url) { "Download profile" } }
                p { "After the download, you have 8 minutes to install it in " span.path { "Settings > General > VPN & Device Management" } "." }
            }
        },
    };
    layout(
        "Enrollment",
        organization,
        html! { (body) (troubleshooting()) p { small { "Enrollment " code { (view.enrollment) } } } },
    )
}

/// A page with one message (errors the browser sees).
pub fn message(title: &str, text: &str, organization: &str) -> Markup {
    layout(
        title,
        organization,
        html! { h1 { (title) } p { (text) } (troubleshooting()) },
    )
}

/// The admin view: enrollments, their state and install window.
pub fn admin(
    rows: &[(Enrollment, Option<PortalView>)],
    counts: &serde_json::Value,
    organization: &str,
) -> Markup {
    layout(
        "Enrollments",
        organization,
        html! {
            h1 { "Enrollments" }
            p { code { (counts.to_string()) } }
            table {
                tr { th { "Enrollment" } th { "Exchange" } th { "State" } th { "User" } th { "Device" } th { "Window" } }
                @for (e, view) in rows {
                    tr {
                        td { code { (e.id) } }
                        td { (e.exchange.as_str()) }
                        td { (e.state()) }
                        td { (e.user.as_ref().map(|u| u.key.subject.as_str()).unwrap_or("")) }
                        td { (e.checkin.as_ref().map(|c| c.device.as_str().to_owned()).or(e.device.udid.clone()).unwrap_or_default()) }
                        td { (view.as_ref().and_then(|v| v.install_window.as_ref()).map(|w| format!("{} s left", w.seconds_left)).unwrap_or_default()) }
                    }
                }
            }
        },
    )
}
