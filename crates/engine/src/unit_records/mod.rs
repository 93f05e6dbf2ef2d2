//! A unit's own records beside the inspection checklist (`neibao_domain::unit_records`): each
//! capability that keeps a unit's records answers its lines (`records(who, unit_id)` in its own
//! folder); this module lists them, one line each, in the order the inspector reads them.

use neibao_domain::access::Principal;
use neibao_domain::error::ErrorCode;
use neibao_domain::unit_records::{RecordLine, UnitRecords};

use crate::error::ServiceResult;
use crate::services::Services;

/// Keeps a source's lines; a source the caller's role may not read is left out (the inspector
/// sees what they may see), anything else refused or failed is the answer.
fn keep(lines: &mut Vec<RecordLine>, r: ServiceResult<Vec<RecordLine>>) -> ServiceResult<()> {
    match r {
        Ok(mut l) => {
            lines.append(&mut l);
            Ok(())
        }
        Err(e) if e.error_code() == ErrorCode::Forbidden => Ok(()),
        Err(e) => Err(e),
    }
}

/// The records of unit `unit_id` as `who` may read them. 404 when the unit is outside the scope.
pub async fn for_unit(s: &Services, who: &Principal, unit_id: &str) -> ServiceResult<UnitRecords> {
    s.registry.unit(who, unit_id).await?;
    let mut lines = Vec::new();
    keep(&mut lines, s.rulebook.records(who, unit_id).await)?;
    keep(&mut lines, s.security_staff.records(who, unit_id).await)?;
    keep(&mut lines, s.patrol.records(who, unit_id).await)?;
    keep(&mut lines, s.equipment.records(who, unit_id).await)?;
    keep(&mut lines, s.video.records(who, unit_id).await)?;
    keep(&mut lines, s.filings.records(who, unit_id).await)?;
    keep(&mut lines, s.emergency_plans.records(who, unit_id).await)?;
    Ok(UnitRecords {
        unit_id: unit_id.to_string(),
        lines,
    })
}
