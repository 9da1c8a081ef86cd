//! Parses arbitrary bytes as a Windows answer file; when that works, validation must not
//! panic and write → parse must give the same model.
#![no_main]

use enrollkit_ppkg::{AnswerFile, ValidateOptions, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = AnswerFile::parse(data) else {
        return;
    };
    let _ = validate(&file, &ValidateOptions::default());
    let Ok(xml) = file.to_xml() else { return };
    let again = AnswerFile::parse(&xml).expect("our own answer file must parse");
    let xml_again = again.to_xml().expect("and write again");
    assert_eq!(xml, xml_again, "write -> parse -> write changed the bytes");
});
