//! Arbitrary bytes as a check-in and as a command response: reading never panics, refusals
//! are protocol codes, and a message that reads writes back to the same message.
#![no_main]

use enrollkit_diagnostic::{Area, Coded};
use enrollkit_protocol::checkin::{
    CheckinLimits, CommandKind, parse_checkin, parse_command_response, to_xml,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = CheckinLimits::default();
    match parse_checkin(data, &limits) {
        Ok(checkin) => {
            let again = parse_checkin(&to_xml(&checkin.message.to_dictionary()), &limits)
                .expect("a message that read must read again once written");
            assert_eq!(again.message, checkin.message);
            assert_eq!(again.device, checkin.device);
            assert_eq!(again.channel, checkin.channel);
            let _ = checkin.to_json();
        }
        Err(e) => assert_eq!(e.code().area(), Area::Protocol, "{e}"),
    }
    let kind = match data.first().map(|b| b % 4) {
        Some(0) => CommandKind::InstallProfile,
        Some(1) => CommandKind::RemoveProfile,
        Some(2) => CommandKind::ProfileList,
        _ => CommandKind::Other,
    };
    if let Err(e) = parse_command_response(data, kind, &limits) {
        assert_eq!(e.code().area(), Area::Protocol, "{e}");
    }
});
