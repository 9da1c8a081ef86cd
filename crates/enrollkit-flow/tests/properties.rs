//! Property tests: no event sequence panics or reaches an inconsistent state; the one-time and
//! zero-managed-users rules always hold; state survives a JSON round trip at every step; an
//! event earlier than the recorded time is always rejected and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use enrollkit_flow::Coded;
use enrollkit_flow::clock::Timestamp;
use enrollkit_flow::identity::{Identity, UserKey};
use enrollkit_flow::login_window::{
    DeviceSnapshot, DeviceState, LocalAccount, LoginAction, LoginEvent, LoginState,
    LoginWindowFlow, OsPolicy, ProvisioningPolicy, login_window_view,
};
use enrollkit_flow::naming::{CollisionPolicy, DesktopOs, NamingPolicy};
use enrollkit_flow::secret::Secret;
use enrollkit_flow::transition::Timed;
use enrollkit_flow::web::{
    CheckInMessage, DeviceError, DirectoryUser, EnrollmentType, Entry, NewUser, Ownership,
    Platform, PortalSettings, ProfileRef, WebAction, WebEnrollment, WebEvent, WebState,
};
use proptest::prelude::*;

const BASE: i64 = 1_714_640_400;

/// Event times: mostly forward steps (sometimes past the 8-minute window), sometimes backwards.
fn times(n: usize) -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(
        prop_oneof![6 => 0i64..120, 2 => 400i64..700, 1 => -300i64..0],
        n,
    )
    .prop_map(|deltas| {
        let mut t = BASE;
        deltas
            .into_iter()
            .map(|d| {
                t = (t + d).max(0);
                t
            })
            .collect()
    })
}

fn identity(i: u8) -> Identity {
    let mut id = Identity::new("https://login.example.com", format!("sub-{i}"));
    let names = ["dana.lee", "hank.declan", "holly.flax", "Zoë O'Brien"];
    let name = names[usize::from(i) % names.len()];
    id.email = Some(format!("{}@example.com", name.replace(' ', ".")));
    id.name = Some(name.to_owned());
    if i.is_multiple_of(2) {
        id.claims.insert("preferred_username".into(), name.into());
    }
    id
}

// ---------------------------------------------------------------- web enrollment

fn web_settings() -> impl Strategy<Value = PortalSettings> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(account_driven, corporate, jit, mfa)| PortalSettings {
            require_idp_auth: true,
            require_mfa: mfa,
            jit_registration: jit,
            default_ownership: if corporate {
                Ownership::Corporate
            } else {
                Ownership::Personal
            },
            enrollment_type: if account_driven {
                EnrollmentType::AccountDriven
            } else {
                EnrollmentType::ProfileDriven
            },
            auth_url: Some("https://enroll.example.com/auth".parse().unwrap()),
            profile: ProfileRef {
                identifier: "com.example.enroll".into(),
                name: Some("p".into()),
                bytes: None,
            },
        },
    )
}

fn web_event() -> impl Strategy<Value = WebEvent> {
    let platform = prop_oneof![
        Just(Platform::Ios),
        Just(Platform::Ios),
        Just(Platform::MacOs)
    ];
    let version = prop_oneof![
        Just("12.5"),
        Just("13.1"),
        Just("14.8"),
        Just("15.0"),
        Just("17.4"),
        Just("18.1"),
        Just("10.15"),
        Just("14.0"),
        Just("15.2")
    ];
    prop_oneof![
        (
            platform,
            version,
            prop::option::of(prop_oneof![
                Just(Entry::Safari),
                Just(Entry::Settings),
                Just(Entry::SetupAssistant)
            ])
        )
            .prop_map(|(platform, v, entry)| WebEvent::PortalOpened {
                platform,
                os_version: v.parse().unwrap(),
                entry,
            }),
        Just(WebEvent::ExpiryDue),
        (
            0u8..4,
            any::<bool>(),
            prop::option::of(0u8..4),
            prop::option::of(0u8..2)
        )
            .prop_map(|(i, mfa, dir, tok)| {
                let id = identity(i);
                WebEvent::IdpAssertion {
                    directory_user: dir.map(|d| DirectoryUser {
                        key: identity(d).key(),
                        managed_apple_account: identity(d).email,
                    }),
                    identity: id,
                    mfa_completed: mfa,
                    access_token: tok.map(|t| Secret::new(format!("tok-{t}"))),
                }
            }),
        prop::option::of(prop_oneof![
            Just("Bearer tok-0"),
            Just("Bearer tok-1"),
            Just("Basic x"),
            Just("")
        ])
        .prop_map(|a| WebEvent::ProfileDownloaded {
            authorization: a.map(Secret::new)
        }),
        Just(WebEvent::ProfileInstalled),
        (0u8..4, any::<bool>()).prop_map(|(i, managed)| WebEvent::AppleAccountSignIn {
            apple_account: identity(i).email.unwrap(),
            managed
        }),
        prop_oneof![
            Just(CheckInMessage::Authenticate),
            Just(CheckInMessage::TokenUpdate)
        ]
        .prop_map(|message| WebEvent::CheckIn { message }),
        prop_oneof![
            Just(DeviceError::PayloadMismatch),
            (
                prop::option::of(-100_000i64..100_000),
                prop::option::of(any::<bool>())
            )
                .prop_map(|(skew, apns)| {
                    DeviceError::ConnectionFailed {
                        device_clock: skew.and_then(|s| Timestamp::from_unix(BASE + s)),
                        apns_reachable: apns,
                    }
                }),
            ".{0,20}".prop_map(|message| DeviceError::Other { message }),
        ]
        .prop_map(|error| WebEvent::DeviceError { error }),
    ]
}

fn web_run() -> impl Strategy<Value = (PortalSettings, Vec<(i64, WebEvent)>)> {
    (web_settings(), 1usize..40).prop_flat_map(|(settings, n)| {
        (
            Just(settings),
            times(n),
            prop::collection::vec(web_event(), n),
        )
            .prop_map(|(s, ts, evs)| (s, ts.into_iter().zip(evs).collect()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn web_enrollment_properties((settings, events) in web_run()) {
        let mut flow = WebEnrollment::new();
        for (t, event) in events {
            let at = Timestamp::from_unix(t).unwrap();
            let before = flow.clone();
            let was_checking_in = matches!(&before.state, WebState::AwaitingCheckIn(c) if c.authenticated);
            let was_enrolled = matches!(before.state, WebState::Enrolled(_));
            let step = flow.handle(&settings, Timed::new(at, event));
            flow = step.flow;

            // Time is an input: an earlier event is rejected (FLOW001) and changes nothing.
            if before.clock.last().is_some_and(|last| at < last) {
                prop_assert_eq!(&flow, &before);
                prop_assert!(step.actions.is_empty());
                prop_assert_eq!(step.diagnostics.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["FLOW001"]);
            }
            prop_assert!(flow.clock.last() >= before.clock.last());
            // Consistent state.
            if let Err(e) = flow.check_invariants() { prop_assert!(false, "{}: {:?}", e, flow); }
            // JSON round trip at every step.
            let json = serde_json::to_string(&flow).unwrap();
            let back: WebEnrollment = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &flow);
            // Every diagnostic comes from the code table and carries a remediation.
            for d in &step.diagnostics {
                prop_assert_eq!(d.code.area(), enrollkit_diagnostic::Area::Flow, "code {}", d.code);
                prop_assert!(!d.remediation.is_empty());
            }
            // Enrollment needs Authenticate then TokenUpdate.
            if matches!(flow.state, WebState::Enrolled(_)) {
                prop_assert!(was_checking_in || was_enrolled);
            }
            // Users are created only keyed by the asserted issuer + subject, with JIT on.
            for a in &step.actions {
                if let WebAction::CreateUser(NewUser { key, .. }) = a {
                    prop_assert!(settings.jit_registration);
                    prop_assert_eq!(&key.issuer, "https://login.example.com");
                }
            }
            // status(now) reports the time left within the 8-minute window.
            let now = flow.clock.last().map_or(at, |last| last.max(at));
            let status = flow.status(now).unwrap();
            if let Some(w) = status.install_window {
                prop_assert!((0..=480).contains(&w.seconds_left));
                prop_assert_eq!(w.expired, now > w.expires_at);
            }
            if at.unix() > 0 {
                let earlier = Timestamp::from_unix(at.unix() - 1).unwrap();
                if flow.clock.last().is_some_and(|l| earlier < l) {
                    prop_assert_eq!(flow.status(earlier).unwrap_err().code(), "FLOW001");
                }
            }
        }
    }
}

// ---------------------------------------------------------------- login window

fn login_policy() -> impl Strategy<Value = ProvisioningPolicy> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(enabled, multiple, new_window, suffix, order_email)| {
            let naming = NamingPolicy {
                claim_order: if order_email {
                    vec!["email".into(), "sub".into()]
                } else {
                    NamingPolicy::default().claim_order
                },
                collision: if suffix {
                    CollisionPolicy::NumericSuffix
                } else {
                    CollisionPolicy::Fail
                },
                subject_fallback: !order_email,
            };
            let os = OsPolicy {
                enabled,
                allow_multiple_managed_users: multiple,
                new_login_window: new_window,
                naming,
                ..OsPolicy::default()
            };
            ProvisioningPolicy {
                org_name: "Example".into(),
                macos: os.clone(),
                windows: os,
            }
        })
}

fn accounts() -> impl Strategy<Value = Vec<LocalAccount>> {
    let names = prop_oneof![
        Just("itadmin"),
        Just("dana.lee"),
        Just("Hank.Declan"),
        Just("holly.flax"),
        Just("zoe.obrien")
    ];
    prop::collection::vec((names, any::<bool>()), 0..4).prop_map(|v| {
        let mut seen = std::collections::BTreeSet::new();
        v.into_iter()
            .filter(|(n, _)| seen.insert(n.to_lowercase()))
            .map(|(n, managed)| LocalAccount {
                name: n.into(),
                full_name: None,
                managed,
            })
            .collect()
    })
}

fn login_event() -> impl Strategy<Value = LoginEvent> {
    let pw = prop_oneof![Just("pw-right"), Just("pw-wrong"), Just("")];
    prop_oneof![
        1 => accounts().prop_map(|accounts| LoginEvent::Refresh { device: DeviceSnapshot { accounts, online: None, ip_address: None } }),
        3 => Just(LoginEvent::SignInSelected),
        3 => (0u8..4, any::<bool>(), any::<bool>(), prop::option::of(pw.clone())).prop_map(|(i, enrolled, done, pw)| {
            LoginEvent::IdpAuthenticated {
                identity: identity(i),
                mfa_enrolled: enrolled,
                mfa_completed: done,
                password: pw.map(Secret::new),
            }
        }),
        1 => Just(LoginEvent::IdpFailed { reason: "denied".into() }),
        3 => (pw, prop_oneof![Just("284719"), Just("123456"), Just("000000"), Just("12"), Just("12a456"), Just("975319")])
            .prop_map(|(p, pin)| LoginEvent::CredentialsSubmitted { password: Secret::new(p), pin: Secret::new(pin) }),
        1 => Just(LoginEvent::Cancelled),
    ]
}

fn login_run() -> impl Strategy<Value = (ProvisioningPolicy, DeviceState, Vec<(i64, LoginEvent)>)> {
    (
        login_policy(),
        any::<bool>(),
        accounts(),
        any::<bool>(),
        1usize..40,
    )
        .prop_flat_map(|(policy, windows, accts, used, n)| {
            let device = DeviceState {
                os: if windows {
                    DesktopOs::Windows
                } else {
                    DesktopOs::Macos
                },
                host_name: "h".into(),
                serial_number: "s".into(),
                mac_address: "m".into(),
                ip_address: "i".into(),
                os_version: "v".into(),
                online: true,
                accounts: accts,
                self_service_used: used,
                agent_running: None,
                windows_edition: None,
                architecture: None,
                directory_join: None,
            };
            (
                Just(policy),
                Just(device),
                times(n),
                prop::collection::vec(login_event(), n),
            )
                .prop_map(|(p, d, ts, evs)| (p, d, ts.into_iter().zip(evs).collect()))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn login_window_properties((policy, device, events) in login_run()) {
        let allow_multiple = policy.for_os(device.os).allow_multiple_managed_users;
        let mut flow = LoginWindowFlow::new(device);
        let mut created: Vec<(String, UserKey)> = Vec::new();
        for (t, event) in events {
            let at = Timestamp::from_unix(t).unwrap();
            let before = flow.clone();
            let offered_before = login_window_view(&policy, before.state.device()).sign_in_option.is_some();
            let selecting = matches!(event, LoginEvent::SignInSelected);
            let step = flow.handle(&policy, Timed::new(at, event));
            flow = step.flow;

            if before.clock.last().is_some_and(|last| at < last) {
                prop_assert_eq!(&flow, &before);
                prop_assert_eq!(step.diagnostics.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["FLOW001"]);
                continue;
            }
            if let Err(e) = flow.check_invariants(&policy) { prop_assert!(false, "{}: {:?}", e, flow); }
            let json = serde_json::to_string(&flow).unwrap();
            let back: LoginWindowFlow = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &flow);
            // The state never stores passwords or PINs.
            prop_assert!(!json.contains("pw-right") && !json.contains("284719"));

            // The sign-in option is the gate: selecting works exactly when the view offers it.
            let at_window = matches!(before.state, LoginState::Idle(_) | LoginState::Provisioned(_) | LoginState::Failed(_));
            if selecting && at_window {
                prop_assert_eq!(matches!(flow.state, LoginState::Authenticating(_)), offered_before);
            }
            for action in &step.actions {
                if let LoginAction::CreateLocalAccount { name, user, .. } = action {
                    let prior = before.state.device();
                    // Zero-managed-users and one-time rules.
                    if !allow_multiple {
                        prop_assert_eq!(prior.managed_users(), 0);
                        prop_assert!(!prior.self_service_used);
                    }
                    // Never take over an existing account.
                    prop_assert!(!prior.accounts.iter().any(|a| a.name.eq_ignore_ascii_case(name)));
                    prop_assert!(enrollkit_flow::naming::validate_account_name(prior.os, name).is_ok());
                    created.push((name.clone(), user.clone()));
                }
            }
            if !allow_multiple {
                prop_assert!(created.len() <= 1, "one-time rule broken: {:?}", created);
            }
            // After provisioning (without multi-user), the option is hidden.
            if !created.is_empty() && !allow_multiple {
                prop_assert!(login_window_view(&policy, flow.state.device()).sign_in_option.is_none());
            }
        }
    }
}
