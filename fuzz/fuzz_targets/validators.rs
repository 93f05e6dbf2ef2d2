//! The identifier validators of `neibao_domain::validate` on any UTF-8 string, and the accessors of
//! whatever they accept.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use neibao_domain::validate::{citizen_id_check_char, uscc_check_char, CitizenId, DivisionCode, PhoneNumber, Uscc};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");

    if let Ok(u) = Uscc::parse(s) {
        assert_eq!(Uscc::parse(u.as_str()).as_ref(), Ok(&u), "USCC does not re-parse");
    }
    let _ = uscc_check_char(s);
    if let Ok(id) = CitizenId::parse(s, today) {
        assert!(id.birth_date() <= today);
        let _ = id.is_male();
        let _ = format!("{id:?}");
        let _ = id.into_sensitive();
    }
    let _ = citizen_id_check_char(s);
    if let Ok(p) = PhoneNumber::parse(s) {
        let _ = format!("{p:?}");
        let _ = p.into_sensitive();
    }
    if let Ok(d) = DivisionCode::parse(s) {
        let _ = d.level();
        assert!(d.as_str().starts_with(d.scope_prefix()));
        let _ = d.city_code();
        assert_eq!(
            DivisionCode::parse(d.as_str()).as_ref(),
            Ok(&d),
            "division code does not re-parse"
        );
    }
});
